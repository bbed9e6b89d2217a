// `anpr gps` and `anpr devices` as a user runs them: the built tool against
// a real gpsd (gpsfake) replaying the committed drive.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "gpsfake.h"

namespace anpr {
namespace {

struct Output {
  int exit_code = -1;
  std::vector<std::string> lines;
};

Output RunAnpr(const std::string& args) {
  const std::string cmd = std::string(ANPR_BINARY_DIR) + "/vehicle/app/anpr " + args + " 2>/dev/null";
  Output out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  std::string line;
  while (std::fgets(buf, sizeof(buf), p)) {
    line += buf;
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
      out.lines.push_back(line);
      line.clear();
    }
  }
  const int status = ::pclose(p);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

TEST(AnprGpsCommandTest, PrintsOneJsonLinePerFixMatchingTheLog) {
  if (!testing::HaveGpsfake()) GTEST_SKIP() << "gpsfake not installed";
  const auto log = testing::ParseLog(testing::DriveLogPath());
  testing::GpsFake fake;
  const int port = testing::FreePort();
  ASSERT_TRUE(fake.Start(testing::DriveLogPath(), port, 0.02));
  const Output out = RunAnpr("gps --json --count 40 --timeout 20 --gpsd 127.0.0.1:" + std::to_string(port));
  ASSERT_EQ(out.exit_code, 0);
  ASSERT_EQ(out.lines.size(), 40u);
  int with_position = 0, without = 0;
  for (const std::string& line : out.lines) {
    const auto j = nlohmann::json::parse(line);
    ASSERT_EQ(j.size(), 7u) << line;
    for (const char* key : {"time_utc", "mode", "lat", "lon", "speed_mps", "track_deg", "age_ms"}) {
      ASSERT_TRUE(j.contains(key)) << key << " missing: " << line;
    }
    const int mode = j["mode"];
    EXPECT_TRUE(mode == 0 || mode == 2 || mode == 3) << line;
    if (j["time_utc"].is_null()) continue;
    const std::string t = j["time_utc"];
    ASSERT_EQ(t.size(), 24u) << t;  // 2026-11-23T10:00:05.000Z
    EXPECT_EQ(t.substr(0, 11), "2026-11-23T");
    EXPECT_EQ(t.back(), 'Z');
    const int64_t tod_ms = (std::stoi(t.substr(11, 2)) * 3600 + std::stoi(t.substr(14, 2)) * 60 +
                            std::stoi(t.substr(17, 2))) * 1000 + std::stoi(t.substr(20, 3));
    const testing::LogEpoch& e = log.at(tod_ms);
    EXPECT_TRUE(j["age_ms"].is_number_integer());
    EXPECT_GE(j["age_ms"].get<int64_t>(), 0);
    if (!e.fix) {
      EXPECT_EQ(mode, 0) << line;
      EXPECT_TRUE(j["lat"].is_null() && j["lon"].is_null() && j["speed_mps"].is_null()) << line;
      ++without;
      continue;
    }
    ASSERT_FALSE(j["lat"].is_null()) << line;
    EXPECT_NEAR(j["lat"].get<double>(), e.lat_deg, 1e-7) << line;
    EXPECT_NEAR(j["lon"].get<double>(), e.lon_deg, 1e-7) << line;
    if (!j["speed_mps"].is_null()) {
      EXPECT_NEAR(j["speed_mps"].get<double>(), e.speed_mps, 0.001) << line;
    }
    if (!j["track_deg"].is_null()) {
      EXPECT_NEAR(j["track_deg"].get<double>(), e.track_deg, 0.001) << line;
    }
    ++with_position;
  }
  EXPECT_GE(with_position, 25);
  EXPECT_GE(without, 1);
}

TEST(AnprGpsCommandTest, NoGpsdTimesOutWithExitCodeOne) {
  const Output out = RunAnpr("gps --json --count 1 --timeout 0.5 --gpsd 127.0.0.1:" + std::to_string(testing::FreePort()));
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_TRUE(out.lines.empty());
  EXPECT_EQ(RunAnpr("gps --gpsd host:notaport").exit_code, 2);
}

TEST(AnprDevicesCommandTest, SaysPlainlyWhenThereIsNoCamera) {
  const std::string dir = std::string(ANPR_BINARY_DIR) + "/cmd_test_dev";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Output out = RunAnpr("devices --dev " + dir);
  EXPECT_EQ(out.exit_code, 0);
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_NE(out.lines[0].find("No cameras found"), std::string::npos) << out.lines[0];
  // A node that is not a camera (here a plain file) is left out, not listed.
  std::ofstream(dir + "/video0") << "";
  out = RunAnpr("devices --json --dev " + dir);
  EXPECT_EQ(out.exit_code, 0);
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(out.lines[0]), nlohmann::json::array());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace anpr
