// ReadBuilder: a tracker pass, its time, the GPS tag and the unit's identity
// become one Read with the fields the store and the depot rely on.
#include "vehicle/recognition/read_builder.h"

#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/imgcodecs.hpp>

namespace anpr {
namespace {

PassRead SamplePass() {
  PassRead p;
  p.vrm = "WR61KXT";
  p.confidence = 91.5;
  p.char_confidence = {90, 91, 92, 93, 94, 95, 96};
  p.candidates = {{"WR61KX7", 40}};
  p.syntax = "gb-current";
  p.first_seen_ms = 1000;
  p.last_seen_ms = 2500;
  p.patch = cv::Mat(40, 160, CV_8UC3, cv::Scalar(0, 200, 255));
  p.overview = cv::Mat(120, 320, CV_8UC3, cv::Scalar(80, 80, 80));
  return p;
}

FrameTag SampleTag(int64_t at_utc_ms) {
  FrameTag t;
  t.captured_at_utc_ms = at_utc_ms;
  t.clock.source = ClockSource::kGps;
  t.clock.gps_minus_system_ms = 120;
  t.position.mode = FixMode::k3D;
  t.position.lat_deg = 51.601;
  t.position.lon_deg = -0.236;
  t.position.speed_mps = 13.4;
  t.position.track_deg = 87;
  t.position.fix_age_ms = 300;
  return t;
}

TEST(ReadBuilder, CaptureTimeIsTheLastFrameSeenOnTheUtcClock) {
  PassRead p = SamplePass();
  EXPECT_EQ(PassCapturedAtUtcMs(p, 1'700'000'000'000), 1'700'000'002'500);
}

TEST(ReadBuilder, CarriesRecognitionTimePlaceClockAndIdentity) {
  const PassRead p = SamplePass();
  const Read r = BuildRead(p, SampleTag(1'700'000'002'500), ReadIdentity{"front", "car-7", "1001"});
  EXPECT_EQ(r.uuid.size(), 36u);
  EXPECT_EQ(r.vrm, "WR61KXT");
  EXPECT_DOUBLE_EQ(r.confidence, 91.5);
  EXPECT_EQ(r.char_confidence.size(), 7u);
  ASSERT_EQ(r.candidates.size(), 1u);
  EXPECT_EQ(r.candidates[0].vrm, "WR61KX7");
  EXPECT_EQ(r.syntax, "gb-current");
  EXPECT_EQ(r.captured_at_utc_ms, 1'700'000'002'500);
  EXPECT_EQ(r.clock_source, ClockSource::kGps);
  EXPECT_EQ(r.clock_offset_ms, 120);
  EXPECT_FALSE(r.clock_unverified);
  FrameTag doubtful = SampleTag(1'700'000'002'500);
  doubtful.clock.verified = false;  // ClockWatch: off GPS time by more than 1 s
  EXPECT_TRUE(BuildRead(p, doubtful, {}).clock_unverified);
  EXPECT_EQ(r.position.mode, FixMode::k3D);
  EXPECT_DOUBLE_EQ(r.position.lat_deg, 51.601);
  EXPECT_DOUBLE_EQ(r.position.lon_deg, -0.236);
  EXPECT_DOUBLE_EQ(r.position.speed_mps, 13.4);
  EXPECT_DOUBLE_EQ(r.position.heading_deg, 87);
  EXPECT_EQ(r.position.fix_age_ms, 300);
  EXPECT_EQ(r.camera_id, "front");
  EXPECT_EQ(r.unit_id, "car-7");
  EXPECT_EQ(r.officer_id, "1001");
  EXPECT_FALSE(r.synced_at_utc_ms.has_value());
  // Both images are JPEG that decode to the pictures given.
  ASSERT_FALSE(r.plate_jpeg.empty());
  ASSERT_FALSE(r.overview_jpeg.empty());
  cv::Mat plate = cv::imdecode(r.plate_jpeg, cv::IMREAD_COLOR);
  EXPECT_EQ(plate.size(), p.patch.size());
  cv::Mat overview = cv::imdecode(r.overview_jpeg, cv::IMREAD_COLOR);
  EXPECT_EQ(overview.size(), p.overview.size());
}

TEST(ReadBuilder, EachReadHasItsOwnUuid) {
  const PassRead p = SamplePass();
  EXPECT_NE(BuildRead(p, SampleTag(1), {}).uuid, BuildRead(p, SampleTag(1), {}).uuid);
}

TEST(ReadBuilder, NoFixAndFreeRunningClockAreKeptAsUnknown) {
  PassRead p = SamplePass();
  p.patch = cv::Mat();
  p.overview = cv::Mat();
  FrameTag t;
  t.captured_at_utc_ms = 5;
  const Read r = BuildRead(p, t, {});
  EXPECT_EQ(r.clock_source, ClockSource::kFreeRunning);
  EXPECT_EQ(r.clock_offset_ms, 0);
  EXPECT_EQ(r.position.mode, FixMode::kNone);
  EXPECT_TRUE(std::isnan(r.position.lat_deg));
  EXPECT_EQ(r.position.fix_age_ms, -1);
  EXPECT_TRUE(r.officer_id.empty());
  EXPECT_TRUE(r.plate_jpeg.empty());
  EXPECT_TRUE(r.overview_jpeg.empty());
}

TEST(ReadBuilder, OverviewIsClippedToTheFrameAndAtMost640Wide) {
  const cv::Mat frame(1080, 1920, CV_8UC3, cv::Scalar(10, 20, 30));
  const cv::Mat o = OverviewAround(frame, cv::Rect(900, 600, 200, 50));
  ASSERT_FALSE(o.empty());
  EXPECT_LE(o.cols, 640);
  // A box at the corner still gives a picture, clipped to the frame.
  const cv::Mat corner = OverviewAround(frame, cv::Rect(0, 0, 100, 25));
  ASSERT_FALSE(corner.empty());
  EXPECT_LE(corner.cols, 640);
  // A box wholly outside the frame gives nothing.
  EXPECT_TRUE(OverviewAround(frame, cv::Rect(5000, 5000, 100, 25)).empty());
}

}  // namespace
}  // namespace anpr
