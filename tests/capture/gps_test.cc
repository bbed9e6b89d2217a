// The GPS client against a real gpsd (gpsfake) replaying the committed drive.
#include <gtest/gtest.h>

#include <fcntl.h>

#include <mutex>
#include <set>

#include "capture/gps.h"
#include "gpsfake.h"

namespace anpr {
namespace {

using testing::GpsFake;
using testing::LogEpoch;

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kLogDateUtcMs = 1'795'392'000'000;  // 2026-11-23T00:00:00Z

// Collects what the listener hears.
struct Heard {
  std::mutex mu;
  std::vector<GpsFix> fixes;
};

GpsOptions Options(int port) {
  GpsOptions o;
  o.host = "127.0.0.1";
  o.port = std::to_string(port);
  o.reconnect_initial_ms = 50;
  o.reconnect_max_ms = 200;
  return o;
}

bool WaitFor(const std::function<bool()>& done, int64_t timeout_ms) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

class GpsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::HaveGpsfake()) GTEST_SKIP() << "gpsfake not installed (apt-get install gpsd gpsd-clients)";
    log_ = testing::ParseLog(testing::DriveLogPath());
    ASSERT_EQ(log_.size(), 30u);
  }
  std::map<int64_t, LogEpoch> log_;
};

TEST_F(GpsClientTest, ReportsTheLogsFixesOnePerEpochWithTrustedFieldsOnly) {
  GpsFake fake;
  const int port = testing::FreePort();
  ASSERT_TRUE(fake.Start(testing::DriveLogPath(), port, 0.02));
  GpsClient client(Options(port));
  Heard heard;
  ASSERT_TRUE(client
                  .Start([&](const GpsFix& f) {
                    std::lock_guard<std::mutex> lock(heard.mu);
                    heard.fixes.push_back(f);
                  })
                  .ok());

  // Until every epoch with a fix was heard at least once (the log loops),
  // watching the state the screen would show as the drive plays.
  std::set<int64_t> seen;
  std::set<GpsState> states;
  bool connected = false;
  ASSERT_TRUE(WaitFor(
      [&] {
        const GpsState s = client.status().state;
        connected = connected || s != GpsState::kNoGpsd;
        if (connected) states.insert(s);
        std::lock_guard<std::mutex> lock(heard.mu);
        for (const GpsFix& f : heard.fixes) if (f.has_position()) seen.insert(*f.time_utc_ms % kDayMs);
        return seen.size() == 25;
      },
      15000))
      << "heard " << seen.size() << " of 25 fix epochs";
  client.Stop();
  // ok while driving, "no fix" during the log's no-fix seconds, never stale.
  EXPECT_TRUE(states.count(GpsState::kOk));
  EXPECT_TRUE(states.count(GpsState::kNoFix));
  EXPECT_FALSE(states.count(GpsState::kStaleFix));
  EXPECT_FALSE(states.count(GpsState::kNoGpsd));

  std::lock_guard<std::mutex> lock(heard.mu);
  int checked = 0;
  int64_t previous_time = -1;
  bool first_timed = true;
  for (const GpsFix& f : heard.fixes) {
    if (f.time_utc_ms && first_timed) {
      // The client may have connected mid-epoch and missed its first
      // sentences: the first fix heard can be partial. Not checked.
      first_timed = false;
      previous_time = *f.time_utc_ms;
      continue;
    }
    if (!f.time_utc_ms) {
      // Untimed: only "no fix" reports reach the listener.
      EXPECT_EQ(f.mode, FixMode::kNone);
      EXPECT_TRUE(std::isnan(f.lat_deg));
      continue;
    }
    // One report per epoch: never the same time twice in a row.
    EXPECT_NE(*f.time_utc_ms, previous_time);
    previous_time = *f.time_utc_ms;
    EXPECT_EQ(*f.time_utc_ms / kDayMs * kDayMs, kLogDateUtcMs) << "date of the log (no week shift)";
    const LogEpoch& e = log_.at(*f.time_utc_ms % kDayMs);
    if (!e.fix) {
      EXPECT_EQ(f.mode, FixMode::kNone);
      EXPECT_FALSE(f.has_position());
      EXPECT_TRUE(std::isnan(f.speed_mps));
      continue;
    }
    ASSERT_EQ(f.mode, FixMode::k3D);
    EXPECT_NEAR(f.lat_deg, e.lat_deg, 1e-7);
    EXPECT_NEAR(f.lon_deg, e.lon_deg, 1e-7);
    EXPECT_NEAR(f.alt_msl_m, e.alt_msl_m, 0.01);
    // The epoch's last report carries the receiver's speed and track (the
    // first one has gpsd's own estimate from the position change).
    EXPECT_NEAR(f.speed_mps, e.speed_mps, 0.001);
    EXPECT_NEAR(f.track_deg, e.track_deg, 0.001);
    EXPECT_TRUE(std::isfinite(f.eph_m));
    EXPECT_GT(f.received_mono_ms, 0);
    ++checked;
  }
  EXPECT_GE(checked, 25);

  const auto history = client.History();
  EXPECT_GE(history.size(), 25u);
  ASSERT_TRUE(client.LastFix().has_value());
  // GPS minus system: the log is dated 2026-11-23 10:00; whatever today is,
  // the measured offset is that difference (within the replay's pace).
  const auto offset = client.ClockOffsetMs();
  ASSERT_TRUE(offset.has_value());
  // It is the largest (time - receipt) of recent fixes: the least delayed.
  bool found = false;
  for (const GpsFix& f : history) found = found || *f.time_utc_ms - f.received_utc_ms == *offset;
  EXPECT_TRUE(found);
  EXPECT_GE(*offset, history.back().time_utc_ms.value() - history.back().received_utc_ms);
}

TEST_F(GpsClientTest, GpsdRestartIsReportedAsAGapAndTheClientRecovers) {
  const int port = testing::FreePort();
  auto fake = std::make_unique<GpsFake>();
  ASSERT_TRUE(fake->Start(testing::DriveLogPath(), port, 0.02));
  GpsClient client(Options(port));
  ASSERT_TRUE(client.Start().ok());
  ASSERT_GE(client.WaitForFixes(3, 10000), 4);
  EXPECT_EQ(client.status().connects, 1);
  EXPECT_EQ(client.status().outages, 0);

  fake->Stop();  // gpsd goes away mid-run
  ASSERT_TRUE(WaitFor([&] { return client.status().state == GpsState::kNoGpsd; }, 5000));
  const GpsStatus down = client.status();
  // At least one outage (a dying gpsd may accept one more connection).
  EXPECT_GE(down.outages, 1);
  EXPECT_NE(down.message.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << down.message;
  EXPECT_STREQ(GpsStateName(down.state), "no gpsd");
  const int64_t fixes_before = down.fixes_received;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a few failed reconnects
  EXPECT_EQ(client.status().state, GpsState::kNoGpsd);

  fake = std::make_unique<GpsFake>();
  ASSERT_TRUE(fake->Start(testing::DriveLogPath(), port, 0.02));
  ASSERT_GT(client.WaitForFixes(fixes_before + 2, 10000), fixes_before + 2);
  ASSERT_TRUE(WaitFor([&] { return client.status().state == GpsState::kOk; }, 5000))
      << GpsStateName(client.status().state) << ": " << client.status().message;
  const GpsStatus up = client.status();
  EXPECT_EQ(up.outages, down.outages);
  EXPECT_EQ(up.connects, up.outages + 1);
  EXPECT_GE(up.last_outage_ms, 300);
  client.Stop();
}

TEST_F(GpsClientTest, FixGoesStaleWhenReportsStop) {
  const int port = testing::FreePort();
  GpsFake fake;
  // Played once; gpsd stays up afterwards with nothing to say.
  ASSERT_TRUE(fake.Start(testing::DriveLogPath(), port, 0.02, /*once=*/true, /*linger_s=*/20));
  GpsOptions o = Options(port);
  o.stale_after_ms = 400;
  GpsClient client(o);
  ASSERT_TRUE(client.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return client.status().state == GpsState::kOk; }, 10000));
  ASSERT_TRUE(WaitFor([&] { return client.status().state == GpsState::kStaleFix; }, 10000));
  const GpsStatus s = client.status();
  EXPECT_GT(s.last_fix_age_ms, 400);
  EXPECT_NE(s.message.find("old"), std::string::npos) << s.message;
  // The last fix is still there for tagging, with its age.
  ASSERT_TRUE(client.LastFix().has_value());
  EXPECT_EQ(*client.LastFix()->time_utc_ms % kDayMs, 10 * 3600 * 1000 + 29 * 1000);
}

TEST(GpsClientNoGpsdTest, SaysNoGpsdAndStopsPromptly) {
  const int port = testing::FreePort();
  GpsClient client(Options(port));
  ASSERT_TRUE(client.Start().ok());
  EXPECT_EQ(client.Start().code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(WaitFor([&] { return client.status().message.find("connecting") == std::string::npos; }, 3000));
  const GpsStatus s = client.status();
  EXPECT_EQ(s.state, GpsState::kNoGpsd);
  EXPECT_EQ(s.connects, 0);
  EXPECT_NE(s.message.find("127.0.0.1:" + std::to_string(port)), std::string::npos) << s.message;
  EXPECT_FALSE(client.LastFix().has_value());
  const auto t0 = std::chrono::steady_clock::now();
  client.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000));
}

TEST(GpsAddressTest, ParsesHostAndPort) {
  auto a = ParseGpsdAddress("10.0.0.5:3000");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "10.0.0.5");
  EXPECT_EQ(a->port, "3000");
  auto b = ParseGpsdAddress("gps.local");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "gps.local");
  EXPECT_EQ(b->port, "2947");
  auto c = ParseGpsdAddress(":29470");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->host, "localhost");
  EXPECT_EQ(c->port, "29470");
  auto d = ParseGpsdAddress("[::1]:2948");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->host, "::1");
  EXPECT_EQ(d->port, "2948");
  EXPECT_EQ(ParseGpsdAddress("host:0").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseGpsdAddress("host:http").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseGpsdAddress("host:").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseGpsdAddress("::1:2947").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace anpr
