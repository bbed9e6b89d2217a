// Clock discipline (issue 15): the rule of capture/clock_watch.h with
// injected times, then against a real gpsd (gpsfake) replaying a log whose
// times are now, then step 2 s: the clock is flagged within 60 s of the step.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <fstream>
#include <string>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/clock_watch.h"
#include "capture/frame_source.h"
#include "capture/gps.h"
#include "gpsfake.h"
#include "tests/common/temp_dir.h"

namespace anpr {
namespace {

constexpr int64_t kMin = 60'000;

GpsStatus Fix(std::optional<int64_t> offset_ms) {
  GpsStatus g;
  g.state = GpsState::kOk;
  g.gps_minus_system_ms = offset_ms;
  return g;
}

TEST(ClockWatch, MoreThanOneSecondOffGpsTimeIsUnverifiedAtOnce) {
  ClockWatch w;
  EXPECT_TRUE(w.Observe(0, Fix(-450), true).verified) << "gpsd's reporting lag is no fault";
  EXPECT_TRUE(w.Observe(1000, Fix(1000), true).verified);
  ClockVerdict v = w.Observe(2000, Fix(-2100), true);
  EXPECT_FALSE(v.verified);
  EXPECT_EQ(v.why, "system clock 2.1 s ahead of GPS time");
  EXPECT_FALSE(w.Last().verified);
  EXPECT_EQ(w.Observe(3000, Fix(1500), true).why, "system clock 1.5 s behind GPS time");
  EXPECT_TRUE(w.Observe(4000, Fix(120), true).verified) << "verified again once back in step";
  GpsStatus no_fix = Fix(-5000);
  no_fix.state = GpsState::kStaleFix;
  EXPECT_TRUE(w.Observe(5000, no_fix, true).verified) << "without a fix nothing is compared";
  ClockWatchOptions replay;
  replay.compare_gps_time = false;
  EXPECT_TRUE(ClockWatch(replay).Observe(0, Fix(-86'400'000), true).verified);
}

TEST(ClockWatch, UnsynchronisedForTenMinutesWithAFixIsUnverified) {
  ClockWatch w;
  EXPECT_TRUE(w.Observe(0, Fix(10), false).verified);
  EXPECT_TRUE(w.Observe(10 * kMin, Fix(10), false).verified) << "10 minutes exactly: not yet";
  ClockVerdict v = w.Observe(10 * kMin + 1000, Fix(10), false);
  EXPECT_FALSE(v.verified);
  EXPECT_EQ(v.why, "clock not synchronised for 10 min with a GPS fix (is chrony running?)");
  EXPECT_TRUE(w.Observe(10 * kMin + 2000, Fix(10), true).verified) << "synchronised again";
  // Only time with a fix counts: a lost fix starts the count again.
  EXPECT_TRUE(w.Observe(11 * kMin, Fix(10), false).verified);
  GpsStatus lost = Fix(10);
  lost.state = GpsState::kNoFix;
  EXPECT_TRUE(w.Observe(20 * kMin, lost, false).verified);
  EXPECT_TRUE(w.Observe(21 * kMin, Fix(10), false).verified);
  EXPECT_TRUE(w.Observe(31 * kMin, Fix(10), false).verified);
  EXPECT_FALSE(w.Observe(31 * kMin + 1, Fix(10), false).verified);
}

// An NMEA log of `epochs` one-second epochs (RMC + GGA), the first stamped
// first_utc_ms, each from step_at on stamped step_ms later.
void WriteLog(const std::string& path, int64_t first_utc_ms, int epochs, int step_at, int64_t step_ms) {
  auto checksum = [](const std::string& body) {
    unsigned c = 0;
    for (char ch : body) c ^= static_cast<unsigned char>(ch);
    char hex[3];
    std::snprintf(hex, sizeof hex, "%02X", c);
    return std::string(hex);
  };
  std::ofstream out(path);
  for (int i = 0; i < epochs; ++i) {
    const int64_t t_ms = first_utc_ms + int64_t{i} * 1000 + (i >= step_at ? step_ms : 0);
    const std::time_t secs = static_cast<std::time_t>(t_ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char hms[48], dmy[48];  // room for any int the formats can take (gcc checks it)
    std::snprintf(hms, sizeof hms, "%02d%02d%02d.%02d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(t_ms % 1000 / 10));
    std::snprintf(dmy, sizeof dmy, "%02d%02d%02d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year % 100);
    const std::string rmc = std::string("GPRMC,") + hms + ",A,5136.0600,N,00014.1600,W,0.0,0.0," + dmy + ",,,A";
    const std::string gga = std::string("GPGGA,") + hms + ",5136.0600,N,00014.1600,W,1,09,0.9,48.0,M,47.0,M,,";
    out << "$" << rmc << "*" << checksum(rmc) << "\r\n$" << gga << "*" << checksum(gga) << "\r\n";
  }
}

GpsOptions Options(int port) {
  GpsOptions o;
  o.host = "127.0.0.1";
  o.port = std::to_string(port);
  o.reconnect_initial_ms = 50;
  o.reconnect_max_ms = 200;
  return o;
}

// gpsfake single-stepped (-l -i -c 0): each sentence goes to gpsd when the
// test writes a newline to its standard input, so the test plays the log on
// the system clock's own time, whatever gpsfake's start-up took.
//
// gpsfake runs with TMPDIR set to a folder of the test's own: it names its
// gpsd's control socket $TMPDIR/gpsfake-<its pid>.sock and takes the file's
// existence for gpsd being ready. In a shared /tmp a stale file of that name
// (left by an earlier gpsfake killed hard, whose pid is now reused) makes it
// hand gpsd the log's pty before gpsd listens: the device is never added,
// gpsd reports nothing while the test plays every epoch, and the step
// "never arrives". The more gpsfakes a CI machine has killed, the likelier.
class SteppedGpsFake {
 public:
  // Waits up to wait_ms for gpsd to accept connections.
  bool Start(const std::string& log, int port, const std::string& tmp_dir, int64_t wait_ms) {
    tmp_dir_ = tmp_dir;
    testing::GpsfakeEnv env(tmp_dir);
    const std::string p = std::to_string(port);
    const char* const args[] = {"gpsfake", "-q", "-n", "-l", "-i", "-1", "-W", "5", "-P", p.c_str(), "-c", "0",
                                log.c_str(), nullptr};
    int fds[2];
    if (::pipe(fds) != 0) return false;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setpgid(0, 0);  // its own group, so Stop() also reaches its gpsd
      ::dup2(fds[0], 0);
      ::close(fds[1]);
      const int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
      ::execvpe("gpsfake", const_cast<char* const*>(args), env.envp());
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);
    ::close(fds[0]);
    feed_fd_ = fds[1];
    for (const int64_t until = MonotonicNowMs() + wait_ms; MonotonicNowMs() < until;) {
      if (testing::PortAccepts(port)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  // Lets the next sentence go; false once gpsfake is gone.
  bool Next() { return ::write(feed_fd_, "\n", 1) == 1; }
  void Stop() {
    if (feed_fd_ >= 0) ::close(feed_fd_);
    feed_fd_ = -1;
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100 && ::waitpid(pid_, &status, WNOHANG) != pid_; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (i == 60) ::kill(-pid_, SIGKILL);
    }
    ::unlink((tmp_dir_ + "/gpsfake-" + std::to_string(pid_) + ".sock").c_str());
    pid_ = -1;
  }
  ~SteppedGpsFake() { Stop(); }

 private:
  pid_t pid_ = -1;
  int feed_fd_ = -1;
  std::string tmp_dir_;
};

TEST(ClockWatchGpsfake, ATwoSecondStepIsFlaggedWithinSixtySeconds) {
  if (!testing::HaveGpsfake()) GTEST_SKIP() << "gpsfake not installed (apt-get install gpsd gpsd-clients)";
  ::signal(SIGPIPE, SIG_IGN);  // a gpsfake that died must fail the test, not kill it
  testing::TempDir dir;
  // Epoch i is stamped first + i s and played at that time on the system
  // clock: in step. From epoch 12 on, GPS time is 2 s ahead (as a system
  // clock stepped 2 s back would look). The log is written before gpsfake
  // starts, its first epoch a lead ahead; a start-up that eats the lead (a
  // loaded machine) is tried again with a longer one, as epochs played late
  // in a burst would look like a clock ahead of GPS time.
  constexpr int kStepAt = 12, kEpochs = 24;
  const std::string log = dir.File("step.nmea");
  SteppedGpsFake fake;
  int port = 0;
  int64_t first_utc_ms = 0;
  bool started = false;
  for (const int64_t lead_ms : {8'000, 30'000}) {
    first_utc_ms = (NowUtcMs() + lead_ms) / 1000 * 1000;
    WriteLog(log, first_utc_ms, kEpochs, kStepAt, 2000);
    port = testing::FreePort();
    started = fake.Start(log, port, dir.path(), lead_ms - 1000) && NowUtcMs() < first_utc_ms - 500;
    if (started) break;
    fake.Stop();
  }
  ASSERT_TRUE(started) << "gpsfake did not start within 29 s";
  const int64_t step_utc_ms = first_utc_ms + kStepAt * 1000 + 2000;  // the first fix after the step
  GpsClient client(Options(port));
  ASSERT_TRUE(client.Start().ok());
  ClockWatch watch;
  int played = 0;  // epochs let go
  int verified_before_step = 0, unverified_before_step = 0;
  int64_t step_seen_mono_ms = -1, flagged_mono_ms = -1;
  std::string why, why_before;
  const int64_t deadline = MonotonicNowMs() + 75'000;
  while (MonotonicNowMs() < deadline && flagged_mono_ms < 0) {
    // Each epoch (its RMC and GGA) at the system time of its first stamp.
    while (played < kEpochs && NowUtcMs() >= first_utc_ms + played * 1000) {
      const bool fed = fake.Next() && fake.Next();
      ASSERT_TRUE(fed) << "gpsfake exited after " << played << " epochs";
      ++played;
    }
    // Status first: the newest fix read after it is at least as new.
    const GpsStatus g = client.status();
    const std::optional<GpsFix> newest = client.LastFix();
    const bool after_step = newest && newest->time_utc_ms && *newest->time_utc_ms >= step_utc_ms;
    const ClockVerdict v = watch.Observe(MonotonicNowMs(), g, /*kernel_synchronised=*/true);
    if (after_step && step_seen_mono_ms < 0) step_seen_mono_ms = MonotonicNowMs();
    if (!after_step && g.state == GpsState::kOk) {
      (v.verified ? verified_before_step : unverified_before_step)++;
      if (!v.verified) why_before = v.why;
    }
    if (after_step && !v.verified) {
      flagged_mono_ms = MonotonicNowMs();
      why = v.why;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GT(verified_before_step, 20) << "in step before the jump";
  EXPECT_EQ(unverified_before_step, 0) << "flagged before the step: " << why_before;
  const GpsStatus end = client.status();
  const std::optional<GpsFix> last = client.LastFix();
  ASSERT_GE(step_seen_mono_ms, 0) << "the step never arrived (" << played << " epochs played, "
                                  << end.fixes_received << " fixes received, the last stamped "
                                  << (last && last->time_utc_ms ? *last->time_utc_ms - first_utc_ms : -1)
                                  << " ms after the first epoch): " << end.message;
  ASSERT_GE(flagged_mono_ms, 0) << "the 2 s step was not flagged";
  const int64_t delay_ms = flagged_mono_ms - step_seen_mono_ms;
  std::printf("2 s clock step flagged %lld ms after its first fix arrived (%s)\n", static_cast<long long>(delay_ms),
              why.c_str());
  EXPECT_LE(delay_ms, 60'000);
  EXPECT_NE(why.find("behind GPS time"), std::string::npos) << why;
}

}  // namespace
}  // namespace anpr
