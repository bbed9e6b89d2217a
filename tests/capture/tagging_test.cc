// Position and clock tagging of frames, on fixes made from the committed
// drive log (what the GPS client would hold after replaying it).
#include <gtest/gtest.h>

#include <algorithm>

#include "capture/frame_source.h"
#include "capture/tagging.h"
#include "gpsfake.h"

namespace anpr {
namespace {

constexpr int64_t kLogDateUtcMs = 1'795'392'000'000;  // 2026-11-23T00:00:00Z
constexpr int64_t kT0 = kLogDateUtcMs + 10 * 3600 * 1000;  // 10:00:00

// The log as the client's history: timed fixes, no-fix epochs included.
std::vector<GpsFix> LogHistory() {
  std::vector<GpsFix> h;
  for (const auto& [tod_ms, e] : testing::ParseLog(testing::DriveLogPath())) {
    GpsFix f;
    f.time_utc_ms = kLogDateUtcMs + tod_ms;
    if (e.fix) {
      f.mode = FixMode::k3D;
      f.lat_deg = e.lat_deg;
      f.lon_deg = e.lon_deg;
      f.speed_mps = e.speed_mps;
      f.track_deg = e.track_deg;
    }
    h.push_back(f);
  }
  return h;
}

TEST(TagPositionTest, InterpolatesBetweenTheSurroundingFixes) {
  const auto h = LogHistory();
  const GpsFix& a = h[10];  // 10:00:10
  const GpsFix& b = h[11];
  const PositionTag t = TagPosition(h, kT0 + 10'250);
  EXPECT_TRUE(t.interpolated);
  EXPECT_EQ(t.mode, FixMode::k3D);
  EXPECT_NEAR(t.lat_deg, a.lat_deg + 0.25 * (b.lat_deg - a.lat_deg), 1e-9);
  EXPECT_NEAR(t.lon_deg, a.lon_deg + 0.25 * (b.lon_deg - a.lon_deg), 1e-9);
  EXPECT_NEAR(t.speed_mps, a.speed_mps + 0.25 * (b.speed_mps - a.speed_mps), 1e-9);
  EXPECT_NEAR(t.track_deg, a.track_deg + 0.25 * (b.track_deg - a.track_deg), 1e-9);
  EXPECT_EQ(t.fix_age_ms, 250);
  // Exactly on a fix: that fix.
  const PositionTag on = TagPosition(h, kT0 + 10'000);
  EXPECT_NEAR(on.lat_deg, a.lat_deg, 1e-12);
  EXPECT_EQ(on.fix_age_ms, 0);
}

TEST(TagPositionTest, HistoryOrderDoesNotMatter) {
  auto h = LogHistory();
  const PositionTag forward = TagPosition(h, kT0 + 15'600);
  std::reverse(h.begin(), h.end());
  const PositionTag backward = TagPosition(h, kT0 + 15'600);
  EXPECT_DOUBLE_EQ(forward.lat_deg, backward.lat_deg);
  EXPECT_DOUBLE_EQ(forward.lon_deg, backward.lon_deg);
}

TEST(TagPositionTest, NoFixInBetweenGivesTheLastFixWithItsAge) {
  const auto h = LogHistory();
  // 10:00:23-24 had no fix (under a bridge): a frame at 10:00:23.5 gets
  // the 10:00:22 position, 1.5 s old, not a line drawn through the gap.
  const PositionTag t = TagPosition(h, kT0 + 23'500);
  EXPECT_FALSE(t.interpolated);
  EXPECT_EQ(t.mode, FixMode::k3D);
  EXPECT_DOUBLE_EQ(t.lat_deg, h[22].lat_deg);
  EXPECT_EQ(t.fix_age_ms, 1500);
}

TEST(TagPositionTest, AfterTheLastFixCarriesItsAgeAndTooOldIsNothing) {
  const auto h = LogHistory();
  const PositionTag t = TagPosition(h, kT0 + 31'000);
  EXPECT_FALSE(t.interpolated);
  EXPECT_DOUBLE_EQ(t.lon_deg, h[29].lon_deg);
  EXPECT_EQ(t.fix_age_ms, 2000);
  TagOptions o;
  o.max_fix_age_ms = 1000;
  const PositionTag old = TagPosition(h, kT0 + 31'000, o);
  EXPECT_EQ(old.mode, FixMode::kNone);
  EXPECT_EQ(old.fix_age_ms, -1);
  EXPECT_TRUE(std::isnan(old.lat_deg));
}

TEST(TagPositionTest, BeforeAnyFixThereIsNoPosition) {
  const auto h = LogHistory();
  const PositionTag t = TagPosition(h, kT0 + 1'000);  // cold start, no fix yet
  EXPECT_EQ(t.mode, FixMode::kNone);
  EXPECT_EQ(t.fix_age_ms, -1);
  EXPECT_EQ(TagPosition({}, kT0).mode, FixMode::kNone);
}

TEST(TagPositionTest, WideGapIsNotInterpolatedAndAnglesWrap) {
  GpsFix a, b;
  a.mode = b.mode = FixMode::k2D;
  a.time_utc_ms = 1'000'000;
  b.time_utc_ms = 1'001'000;
  a.lat_deg = b.lat_deg = 0;
  a.lon_deg = 179.9;   // across the antimeridian
  b.lon_deg = -179.9;
  a.track_deg = 350;
  b.track_deg = 10;
  b.mode = FixMode::k3D;
  const PositionTag t = TagPosition({a, b}, 1'000'500);
  EXPECT_TRUE(t.interpolated);
  EXPECT_EQ(t.mode, FixMode::k2D);  // the weaker of the two
  EXPECT_NEAR(std::fabs(t.lon_deg), 180.0, 1e-9);
  EXPECT_NEAR(t.track_deg, 0.0, 1e-9);
  EXPECT_TRUE(std::isnan(t.speed_mps));

  b.time_utc_ms = 1'010'000;  // 10 s apart
  const PositionTag gap = TagPosition({a, b}, 1'005'000);
  EXPECT_FALSE(gap.interpolated);
  EXPECT_DOUBLE_EQ(gap.lon_deg, 179.9);
  EXPECT_EQ(gap.fix_age_ms, 5000);
}

TEST(ClockTest, GpsDisciplinedOnlyWhenAFreshFixAgreesWithTheSystemClock) {
  GpsStatus gps;
  gps.state = GpsState::kOk;
  gps.gps_minus_system_ms = -180;  // the receiver's usual reporting lag
  ClockStatus c = AssessClock(gps, false);
  EXPECT_EQ(c.source, ClockSource::kGps);
  EXPECT_STREQ(ClockSourceName(c.source), "gps");
  EXPECT_EQ(ToGpsClockMs(5000, c), 5000);  // a disciplined clock is not "corrected"

  gps.gps_minus_system_ms = 42'000;  // system clock 42 s slow
  c = AssessClock(gps, false);
  EXPECT_EQ(c.source, ClockSource::kFreeRunning);
  EXPECT_EQ(*c.gps_minus_system_ms, 42'000);
  EXPECT_EQ(ToGpsClockMs(5000, c), 47'000);
  EXPECT_EQ(AssessClock(gps, true).source, ClockSource::kNtp);

  gps.gps_minus_system_ms = -180;
  gps.state = GpsState::kStaleFix;
  EXPECT_EQ(AssessClock(gps, false).source, ClockSource::kFreeRunning);
  gps.state = GpsState::kNoGpsd;
  gps.gps_minus_system_ms.reset();
  c = AssessClock(gps, true);
  EXPECT_EQ(c.source, ClockSource::kNtp);
  EXPECT_EQ(ToGpsClockMs(5000, c), 5000);
}

TEST(ClockTest, FrameTaggedFromALiveClient) {
  if (!testing::HaveGpsfake()) GTEST_SKIP() << "gpsfake not installed";
  testing::GpsFake fake;
  const int port = testing::FreePort();
  ASSERT_TRUE(fake.Start(testing::DriveLogPath(), port, 0.02));
  GpsOptions o;
  o.host = "127.0.0.1";
  o.port = std::to_string(port);
  GpsClient client(o);
  ASSERT_TRUE(client.Start().ok());
  ASSERT_GE(client.WaitForFixes(5, 10000), 6);
  // The replayed log is dated 10:00 on 2026-11-23, so the system clock does
  // not agree with it (unless this runs at that very minute): not GPS time,
  // and a frame stamped now lands, corrected, inside the replayed drive.
  const int64_t now = SystemUtcNowMs();
  const FrameTag tag = TagFrame(client, now);
  EXPECT_EQ(tag.captured_at_utc_ms, now);
  ASSERT_TRUE(tag.clock.gps_minus_system_ms.has_value());
  EXPECT_NE(tag.clock.source, ClockSource::kGps);
  EXPECT_EQ(tag.clock.kernel_synchronised, KernelClockSynchronised());
  EXPECT_NE(tag.position.mode, FixMode::kNone);
  EXPECT_NEAR(tag.position.lat_deg, 51.591, 0.01);
  EXPECT_GE(tag.position.fix_age_ms, 0);
  EXPECT_LT(tag.position.fix_age_ms, 3000);
  client.Stop();
}

}  // namespace
}  // namespace anpr
