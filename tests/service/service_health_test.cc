// ServiceHealth (service/service_health.h) with a recording notifier: pings
// only while every registered loop beats, never from a stalled program.
#include "service/service_health.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace anpr::service {
namespace {

struct Counts {
  std::atomic<int> ready{0}, alive{0}, stopping{0};
};

class RecordingNotifier : public Notifier {
 public:
  RecordingNotifier(Counts* counts, int64_t interval_ms) : counts_(counts), interval_ms_(interval_ms) {}
  void Ready() override { ++counts_->ready; }
  void Alive() override { ++counts_->alive; }
  void Stopping() override { ++counts_->stopping; }
  void Status(const std::string&) override {}
  int64_t WatchdogIntervalMs() const override { return interval_ms_; }

 private:
  Counts* counts_;
  int64_t interval_ms_;
};

void SleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

TEST(ServiceHealth, PingsWhileEveryLoopBeatsAndStopsWhenOneStalls) {
  Counts counts;
  ServiceHealth health(std::make_unique<RecordingNotifier>(&counts, 400));  // stall limit 200 ms
  ASSERT_EQ(health.stall_limit_ms(), 200);
  const auto a = health.Register("a");
  const auto b = health.Register("b");
  health.Ready();
  EXPECT_EQ(counts.ready, 1);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) {  // 500 ms or more, both beating
    health.Beat(a);
    health.Beat(b);
    EXPECT_TRUE(health.Tick().empty());
    SleepMs(50);
  }
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  const int alive_while_beating = counts.alive;
  // A ping per interval / 4 (100 ms), not one per Tick().
  EXPECT_GE(alive_while_beating, 3);
  EXPECT_LE(alive_while_beating, elapsed_ms / 100 + 1);

  // b stops beating; a goes on. After the stall limit: no more pings.
  std::vector<std::string> stalled;
  for (int i = 0; i < 12; ++i) {  // 600 ms
    health.Beat(a);
    stalled = health.Tick();
    SleepMs(50);
  }
  ASSERT_EQ(stalled, std::vector<std::string>{"b"});
  const int alive_at_stall = counts.alive;
  for (int i = 0; i < 6; ++i) {
    health.Beat(a);
    health.Tick();
    SleepMs(50);
  }
  EXPECT_EQ(counts.alive, alive_at_stall) << "pinged while loop b was stalled";
  EXPECT_LE(alive_at_stall - alive_while_beating, 3) << "pinged after b's stall limit";

  // b comes back: pings resume.
  health.Beat(b);
  EXPECT_TRUE(health.Tick().empty());
  EXPECT_EQ(counts.alive, alive_at_stall + 1);
  health.Stopping();
  EXPECT_EQ(counts.stopping, 1);
}

TEST(ServiceHealth, ARetiredLoopIsNoLongerWatched) {
  Counts counts;
  ServiceHealth health(std::make_unique<RecordingNotifier>(&counts, 200));
  const auto a = health.Register("recognition");
  health.Retire(a);
  SleepMs(250);  // well past the 100 ms stall limit
  EXPECT_TRUE(health.Tick().empty());
  EXPECT_EQ(counts.alive, 1);
}

TEST(ServiceHealth, WithoutAWatchdogNothingIsSent) {
  Counts counts;
  ServiceHealth health(std::make_unique<RecordingNotifier>(&counts, 0));
  EXPECT_EQ(health.stall_limit_ms(), 0);
  const auto a = health.Register("a");
  health.Beat(a);
  SleepMs(20);
  EXPECT_TRUE(health.Tick().empty());
  EXPECT_EQ(counts.alive, 0);
}

TEST(SystemdNotifier, ReadsTheWatchdogIntervalFromTheEnvironment) {
  ::setenv("WATCHDOG_USEC", "4000000", 1);
  ::unsetenv("WATCHDOG_PID");
  EXPECT_EQ(MakeSystemdNotifier()->WatchdogIntervalMs(), 4000);
  // Meant for another process (a parent's watchdog): not ours.
  ::setenv("WATCHDOG_PID", "1", 1);
  EXPECT_EQ(MakeSystemdNotifier()->WatchdogIntervalMs(), 0);
  ::unsetenv("WATCHDOG_PID");
  ::unsetenv("WATCHDOG_USEC");
  EXPECT_EQ(MakeSystemdNotifier()->WatchdogIntervalMs(), 0);
}

}  // namespace
}  // namespace anpr::service
