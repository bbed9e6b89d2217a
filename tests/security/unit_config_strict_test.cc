// Issue 14: the unit's configuration is parsed strictly. A gpsd port with
// trailing junk is refused (std::stoi took "12ab" as 12), and --config naming
// a directory is refused with the path, instead of running on the defaults.
#include <gtest/gtest.h>

#include <string>

#include "tests/common/temp_dir.h"
#include "tests/integration/run_command.h"
#include "vehicle/app/unit_config.h"

namespace anpr::unit {
namespace {

using anpr::testing::RunCommand;
using anpr::testing::TempDir;

TEST(UnitConfigStrict, GpsdPortIsDigitsOnly) {
  for (const char* bad : {"localhost:12ab", "localhost:+12", "localhost: 12", "localhost:12 ", "localhost:",
                          "localhost:0x10", "localhost:99999999999", "localhost:-1", "localhost:65536"}) {
    auto r = ParseUnitConfig(std::string("[gps]\ngpsd = \"") + bad + "\"\n", "t.toml");
    EXPECT_FALSE(r.ok()) << bad << " was taken as port " << (r.ok() ? r->gpsd_port : 0);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(r.status().message().find("gps.gpsd"), std::string::npos) << r.status().message();
    }
  }
  auto good = ParseUnitConfig("[gps]\ngpsd = \"localhost:2947\"\n", "t.toml");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->gpsd_host, "localhost");
  EXPECT_EQ(good->gpsd_port, 2947);
}

// Found by fuzz_unit_config: "\n" or "\u0000" in a path was taken as part of
// it; a NUL would silently cut the path short where the system opens it.
TEST(UnitConfigStrict, PathsWithControlCharactersAreRefused) {
  for (const char* bad : {"/var/lib/anpr\\n", "/var/lib/anpr\\u0000/x", "/var/lib/\\tanpr", "/var/lib/anpr\\u007f"}) {
    auto r = ParseUnitConfig(std::string("[unit]\ndata_dir = \"") + bad + "\"\n", "t.toml");
    EXPECT_FALSE(r.ok()) << bad << " was taken as " << (r.ok() ? r->data_dir : "");
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("unit.data_dir"), std::string::npos) << r.status().message();
    }
  }
  auto good = ParseUnitConfig("[unit]\ndata_dir = \"/var/lib/anpr \u00e9t\u00e9\"\n", "t.toml");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->data_dir, "/var/lib/anpr \u00e9t\u00e9");
}

TEST(UnitConfigStrict, ADirectoryIsNotAConfiguration) {
  TempDir dir;
  auto r = LoadUnitConfig(dir.path());
  ASSERT_FALSE(r.ok()) << "a directory loaded as the default configuration";
  EXPECT_NE(r.status().message().find(dir.path()), std::string::npos) << r.status().message();
}

TEST(UnitConfigStrict, AnprVehicleRefusesADirectoryAsConfig) {
  TempDir dir;
  const std::string exe = std::string(ANPR_BINARY_DIR) + "/vehicle/app/anpr-vehicle";
  // Bounded: before the fix it ran on the built-in defaults.
  const auto r = RunCommand("env -u DISPLAY -u WAYLAND_DISPLAY SDL_AUDIODRIVER=dummy timeout -s KILL 20 " + exe +
                            " --headless --duration 3 --config " + dir.path());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(dir.path()), std::string::npos) << r.output;
}

}  // namespace
}  // namespace anpr::unit
