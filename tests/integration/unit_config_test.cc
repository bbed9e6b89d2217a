#include "vehicle/app/unit_config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "vehicle/app/unit.h"

namespace anpr::unit {
namespace {

TEST(UnitConfig, TheShippedExampleIsValidAndMatchesTheDefaults) {
  auto loaded = LoadUnitConfig(std::string(ANPR_SOURCE_DIR) + "/hw/anpr-vehicle.example.toml");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const UnitConfig defaults;
  EXPECT_EQ(loaded->unit_id, defaults.unit_id);
  EXPECT_EQ(loaded->camera_width_px, defaults.camera_width_px);
  EXPECT_EQ(loaded->gpsd_port, 2947);
  EXPECT_EQ(loaded->retention_max_days, 365);  // 12 months by default (issue 15)
  EXPECT_EQ(defaults.retention_max_days, 365);
  EXPECT_EQ(loaded->hmi_operator_present, defaults.hmi_operator_present);
  EXPECT_EQ(loaded->alert_realert_s, 60);
  EXPECT_TRUE(loaded->plate_classifier);
  EXPECT_TRUE(defaults.plate_classifier);
}

// The learned plate classifier is on unless the file turns it off.
TEST(UnitConfig, ThePlateClassifierCanBeTurnedOff) {
  auto c = ParseUnitConfig("[recognition]\nplate_classifier = false\n", "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->plate_classifier);
  auto bad = ParseUnitConfig("[recognition]\nplate_classifier = \"off\"\n", "t.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("recognition.plate_classifier"), std::string::npos) << bad.status().message();
}

TEST(UnitConfig, OperatorPresentIsOffUnlessSet) {
  EXPECT_FALSE(UnitConfig{}.hmi_operator_present);
  auto c = ParseUnitConfig("[hmi]\noperator_present = true\n", "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->hmi_operator_present);
}

TEST(UnitConfig, ReadsValues) {
  auto c = ParseUnitConfig(R"(
[unit]
id = "BRAVO-7"
region = "eu"
[camera]
source = "video"
path = "/tmp/drive.avi"
fps = 25
[gps]
gpsd = "127.0.0.1:29470"
[hmi]
driving_speed_mps = 2.5
)", "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->unit_id, "BRAVO-7");
  EXPECT_EQ(c->region, "eu");
  EXPECT_EQ(c->camera_source, "video");
  EXPECT_EQ(c->camera_fps, 25);
  EXPECT_EQ(c->gpsd_host, "127.0.0.1");
  EXPECT_EQ(c->gpsd_port, 29470);
  EXPECT_DOUBLE_EQ(c->driving_speed_mps, 2.5);
}

// Each bad file is refused with a message naming the file, line, setting and rule.
TEST(UnitConfig, BadSettingsNameFileLineAndRule) {
  struct Case {
    const char* text;
    const char* expect;
  };
  const Case cases[] = {
      {"[retention]\nmax_days = 1000\n", "t.toml:2: retention.max_days: 1000 is out of range 1-730"},
      {"[camera]\nsource = \"usb\"\n", "t.toml:2: camera.source: 'usb' is not one of v4l2 | video | folder | synthetic"},
      {"[camera]\nfsp = 15\n", "t.toml:2: unknown setting camera.fsp"},
      {"[camera]\nfps = \"fast\"\n", "t.toml:2: camera.fps: must be an integer"},
      {"[gps]\ngpsd = \"localhost\"\n", "gps.gpsd: 'localhost' is not HOST:PORT"},
      {"[camera]\nsource = \"video\"\n", "camera.path is required"},
      {"[depot]\nurl = \"http://depot.example\"\ntoken_file = \"t\"\n", "depot.url: must be https://"},
      {"[unit\nid = 1\n", "t.toml:1:"},
  };
  for (const Case& c : cases) {
    auto r = ParseUnitConfig(c.text, "t.toml");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos)
        << "got: " << r.status().message() << "\nwant: " << c.expect;
  }
}

TEST(UnitConfig, MissingFileIsNotFound) {
  auto r = LoadUnitConfig("/nonexistent/anpr.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

// Issue 16: today's single [camera] table is a list of one camera, with the
// values it always had.
TEST(UnitConfig, TheSingleCameraTableIsAListOfOne) {
  auto c = ParseUnitConfig(R"(
[camera]
id = "rear"
source = "v4l2"
device = "/dev/video2"
width = 1920
height = 1080
fps = 30
pixel_format = "yuyv"
exposure_us = 2000
gain = 40
)", "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->camera_id, "rear");
  EXPECT_EQ(c->camera_device, "/dev/video2");
  EXPECT_EQ(c->camera_width_px, 1920);
  EXPECT_EQ(c->camera_fps, 30);
  EXPECT_EQ(c->camera_pixel_format, "yuyv");
  EXPECT_EQ(c->camera_exposure_us, 2000);
  EXPECT_EQ(c->camera_gain, 40);
  ASSERT_EQ(c->cameras.size(), 1u);
  EXPECT_EQ(c->cameras[0].id, "rear");
  EXPECT_EQ(c->cameras[0].device, "/dev/video2");
  EXPECT_EQ(c->cameras[0].height_px, 1080);
  EXPECT_EQ(c->cameras[0].gain, 40);
  // No camera table at all: the one default camera.
  auto none = ParseUnitConfig("[unit]\nid = \"A-1\"\n", "t.toml");
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  ASSERT_EQ(none->cameras.size(), 1u);
  EXPECT_EQ(none->cameras[0].id, UnitConfig{}.camera_id);
  EXPECT_EQ(none->cameras[0].device, UnitConfig{}.camera_device);
}

TEST(UnitConfig, ReadsAListOfCameras) {
  auto c = ParseUnitConfig(R"(
[[camera]]
id = "front"
device = "/dev/anpr-front"
fps = 15
[[camera]]
id = "rear"
source = "synthetic"
width = 640
height = 360
fps = 10
exposure_us = 1000
gain = 8
[[camera]]
id = "nearside"
source = "folder"
path = "/media/frames"
pixel_format = "yuyv"
)", "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->cameras.size(), 3u);
  EXPECT_EQ(c->cameras[0].id, "front");
  EXPECT_EQ(c->cameras[0].device, "/dev/anpr-front");
  EXPECT_EQ(c->cameras[0].width_px, 1280);  // the default
  EXPECT_EQ(c->cameras[1].id, "rear");
  EXPECT_EQ(c->cameras[1].source, "synthetic");
  EXPECT_EQ(c->cameras[1].width_px, 640);
  EXPECT_EQ(c->cameras[1].height_px, 360);
  EXPECT_EQ(c->cameras[1].fps, 10);
  EXPECT_EQ(c->cameras[1].exposure_us, 1000);
  EXPECT_EQ(c->cameras[1].gain, 8);
  EXPECT_EQ(c->cameras[2].id, "nearside");
  EXPECT_EQ(c->cameras[2].path, "/media/frames");
  EXPECT_EQ(c->cameras[2].pixel_format, "yuyv");
  // The camera the unit runs is the first.
  EXPECT_EQ(c->camera_id, "front");
  EXPECT_EQ(c->camera_device, "/dev/anpr-front");
}

// The unit runs every camera: today's single [camera] table (or none) is a
// list of one, a code-built configuration too, and a list keeps its order.
TEST(UnitConfig, TheCamerasRunAreTheListOrTheSingleCamera) {
  auto one = ParseUnitConfig("[camera]\nid = \"rear\"\nfps = 10\n", "t.toml");
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(CamerasOf(*one).size(), 1u);
  EXPECT_EQ(CamerasOf(*one)[0].id, "rear");
  EXPECT_EQ(CamerasOf(*one)[0].fps, 10);
  UnitConfig built;
  built.camera_id = "nearside";
  ASSERT_EQ(CamerasOf(built).size(), 1u);
  EXPECT_EQ(CamerasOf(built)[0].id, "nearside");
  auto three = ParseUnitConfig("[[camera]]\nid = \"front\"\n[[camera]]\nid = \"rear\"\n[[camera]]\nid = \"nearside\"\n",
                               "t.toml");
  ASSERT_TRUE(three.ok()) << three.status().ToString();
  const auto cams = CamerasOf(*three);
  ASSERT_EQ(cams.size(), 3u);
  EXPECT_EQ(cams[0].id, "front");
  EXPECT_EQ(cams[1].id, "rear");
  EXPECT_EQ(cams[2].id, "nearside");
}

// Each bad camera table is refused naming the table's place in the list.
TEST(UnitConfig, BadCameraListsNameTheTable) {
  struct Case {
    const char* text;
    const char* expect;
  };
  const Case cases[] = {
      {"[[camera]]\nid = \"front\"\n[[camera]]\nid = \"front\"\n",
       "t.toml: [[camera]] #2: camera.id 'front' is already the id of [[camera]] #1"},
      {"[[camera]]\nid = \"front\"\n[[camera]]\n", "[[camera]] #2: camera.id 'front' is already the id of [[camera]] #1"},
      {"[[camera]]\nid = \"front\"\n[[camera]]\nid = \"rear\"\nfps = 0\n",
       "t.toml:5: [[camera]] #2: camera.fps: 0 is out of range 1-120"},
      {"[[camera]]\nid = \"a\"\nwidth = 100\n", "t.toml:3: [[camera]] #1: camera.width: 100 is out of range 320-4096"},
      {"[[camera]]\nid = \"a\"\n[[camera]]\nid = \"b\"\nfsp = 15\n",
       "t.toml:5: [[camera]] #2: unknown setting camera.fsp"},
      {"[[camera]]\nid = \"a\"\n[[camera]]\nid = \"b\"\nsource = \"video\"\n",
       "[[camera]] #2: camera.path is required when camera.source = \"video\""},
      {"[[camera]]\nid = \"a\"\n[[camera]]\nid = \"b c\"\n", "t.toml:4: [[camera]] #2: camera.id:"},
      {"[[camera]]\nid = \"a\"\n[[camera]]\nid = \"b\"\npixel_format = \"rgb\"\n",
       "t.toml:5: [[camera]] #2: camera.pixel_format: 'rgb' is not one of mjpeg | yuyv"},
      {"camera = []\n", "camera is an empty list"},
      {"camera = [1]\n", "[[camera]] #1 must be a table"},
  };
  for (const Case& c : cases) {
    auto r = ParseUnitConfig(c.text, "t.toml");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos)
        << "got: " << r.status().message() << "\nwant: " << c.expect;
  }
}

// Late alerts (re-matched older reads) are counted and timed apart from the
// live capture-to-alert figure, which they would otherwise swamp.
TEST(UnitSummary, LateAlertsAreReportedApartFromLiveOnes) {
  UnitSummary s;
  s.alerts = 3;
  s.capture_to_alert_p50_ms = 400;
  s.capture_to_alert_p95_ms = 520;
  s.late_alerts = 1;
  s.late_capture_to_alert_p50_ms = 100'740;
  s.late_capture_to_alert_p95_ms = 100'740;
  const auto j = nlohmann::json::parse(s.ToJson());
  EXPECT_EQ(j["capture_to_alert_ms"]["p95"].get<double>(), 520);
  ASSERT_TRUE(j.contains("late_alerts")) << j.dump();
  EXPECT_EQ(j["late_alerts"]["count"].get<int>(), 1);
  EXPECT_EQ(j["late_alerts"]["capture_to_alert_ms"]["p95"].get<double>(), 100'740);
}

// Issue 16: the summary reports alerts timed from first sight beside the
// figure timed from the frame that completed the read.
TEST(UnitSummary, ReportsFirstSightToAlertBesideCaptureToAlert) {
  UnitSummary s;
  s.alerts = 2;
  s.capture_to_alert_p50_ms = 120;
  s.capture_to_alert_p95_ms = 180;
  s.first_sight_to_alert_p50_ms = 820;
  s.first_sight_to_alert_p95_ms = 1'240;
  const auto j = nlohmann::json::parse(s.ToJson());
  EXPECT_EQ(j["capture_to_alert_ms"]["p50"].get<double>(), 120);
  ASSERT_TRUE(j.contains("first_sight_to_alert_ms")) << j.dump();
  EXPECT_EQ(j["first_sight_to_alert_ms"]["p50"].get<double>(), 820);
  EXPECT_EQ(j["first_sight_to_alert_ms"]["p95"].get<double>(), 1'240);
}

}  // namespace
}  // namespace anpr::unit
