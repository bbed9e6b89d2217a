// The unit with its screen running (SDL's dummy driver, as in a car without
// a display): the main thread's loop paces the screen at ~60 Hz by sleeping
// between frames. The recognition thread (a new read) and the hit pipeline
// (an alert) take the same lock as the unit's figures; the loop must not hold
// it while it sleeps, or every read and alert waits up to a frame's sleep
// (16 ms headless) behind the screen.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/common/temp_dir.h"
#include "vehicle/app/unit.h"

namespace anpr::unit {
namespace {

// A camera that is there but shows nothing: no frames, so no recognition
// work competes for the CPU with the loop under test.
class IdleSource : public FrameSource {
 public:
  Status Open() override {
    health_.state = SourceState::kStreaming;
    return Status::Ok();
  }
  Result<Frame> Read(int64_t timeout_ms) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
    return Status(StatusCode::kTimeout, "no frame");
  }
  void Close() override {}
  SourceHealth health() const override { return health_; }
  std::string name() const override { return "idle camera"; }

 private:
  SourceHealth health_;
};

class NoFixes : public FixSource {
 public:
  GpsStatus status() const override { return GpsStatus{}; }
  std::optional<GpsFix> LastFix() const override { return std::nullopt; }
  std::vector<GpsFix> History() const override { return {}; }
};

TEST(UnitScreenLoop, TheScreensPacingDoesNotHoldUpTheUnitsFigures) {
  testing::TempDir dir;
  UnitConfig config;
  config.data_dir = dir.File("data");
  config.hmi_enabled = true;
  UnitOptions options;
  options.headless = true;  // SDL's dummy driver: drawn off-screen, 16 ms between frames
  options.duration_ms = 60'000;  // a safety net; the test stops the unit
  UnitParts parts;
  parts.frames = std::make_unique<IdleSource>();
  parts.fixes = std::make_unique<NoFixes>();
  ::testing::internal::CaptureStdout();
  auto made = Unit::CreateFromParts(config, options, std::move(parts));
  const std::string said = ::testing::internal::GetCapturedStdout();
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  // The screen started (drawn off-screen); without it there is no loop to test.
  ASSERT_NE(said.find("running headless (SDL 'dummy' driver"), std::string::npos) << said;
  Unit* unit = made->get();

  Status run_status;
  std::thread main_loop([&] { run_status = unit->Run(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // the screen is up and pacing

  // Summary() takes the lock a read or an alert takes. Sampled at spread-out
  // moments of the screen's cycle, it must almost never wait: a wait of
  // several milliseconds is the loop sleeping with the lock held.
  constexpr int kCalls = 120;
  constexpr auto kLongWait = std::chrono::milliseconds(4);
  int long_waits = 0;
  for (int i = 0; i < kCalls; ++i) {
    const auto before = std::chrono::steady_clock::now();
    const UnitSummary s = unit->Summary();
    if (std::chrono::steady_clock::now() - before > kLongWait) ++long_waits;
    EXPECT_EQ(s.frames_in, 0u);
    std::this_thread::sleep_for(std::chrono::milliseconds(3 + (i * 7) % 11));
  }
  unit->RequestStop();
  main_loop.join();
  EXPECT_TRUE(run_status.ok()) << run_status.ToString();
  std::printf("Summary() waited over 4 ms in %d of %d calls while the screen ran\n", long_waits, kCalls);
  // With the lock held through the sleep, all 120 calls waited (2-core
  // machine); without it none did. A busy machine makes a few wait for other
  // reasons.
  EXPECT_LT(long_waits, kCalls / 5) << long_waits << " of " << kCalls << " calls waited over 4 ms";
}

}  // namespace
}  // namespace anpr::unit
