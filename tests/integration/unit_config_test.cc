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

}  // namespace
}  // namespace anpr::unit
