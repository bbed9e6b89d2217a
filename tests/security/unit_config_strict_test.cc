// Issue 14: the unit's configuration is parsed strictly. A gpsd port with
// trailing junk is refused (std::stoi took "12ab" as 12), and --config naming
// a directory is refused with the path, instead of running on the defaults.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
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

// The disk-full safety files' sizes are settings, checked like the others.
TEST(UnitConfigStrict, SpillAndReserveSizesAreCheckedSettings) {
  auto good = ParseUnitConfig("[store]\nspill_mb = 64\nreserve_mb = 0\n", "t.toml");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ(good->store_spill_mb, 64);
  EXPECT_EQ(good->store_reserve_mb, 0);
  for (const char* bad : {"spill_mb = -1", "spill_mb = 1025", "spill_mb = 8.5", "spill_mb = \"8\"", "reserve_mb = -4",
                          "reserve_mb = 100000", "reserve_mb = true", "spill_bytes = 8"}) {
    auto r = ParseUnitConfig(std::string("[store]\n") + bad + "\n", "t.toml");
    EXPECT_FALSE(r.ok()) << bad << " was accepted";
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("t.toml:2: "), std::string::npos) << r.status().message();
    }
  }
}

// The file is read whole before it is parsed: a path naming something huge
// (a disk image, /proc/kcore) must be refused, not read into memory.
TEST(UnitConfigStrict, AHugeFileIsNotReadWhole) {
  TempDir dir;
  const std::string path = dir.File("huge.toml");
  {
    std::ofstream out(path);
    const std::string comment = "# " + std::string(1000, 'x') + "\n";
    for (int i = 0; i < 2000; ++i) out << comment;  // 2 MB of comments: valid TOML, all defaults
  }
  auto r = LoadUnitConfig(path);
  ASSERT_FALSE(r.ok()) << "a 2 MB file was read and taken";
  EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("larger than"), std::string::npos) << r.status().message();
  std::ofstream(dir.File("small.toml")) << "[unit]\nid = \"CAR-9\"\n";
  auto small = LoadUnitConfig(dir.File("small.toml"));
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  EXPECT_EQ(small->unit_id, "CAR-9");
}

int64_t FileBytes(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

// The real unit allocates the files at the sizes its configuration gives.
TEST(UnitConfigStrict, AnprVehicleAllocatesTheConfiguredSpillAndReserveFiles) {
  TempDir dir;
  const std::string config = dir.File("unit.toml");
  std::ofstream(config) << "[unit]\ndata_dir = \"" << dir.File("data") << "\"\n"
                        << "[camera]\nsource = \"synthetic\"\n"
                        << "[hmi]\nenabled = false\n"
                        << "[store]\nspill_mb = 3\nreserve_mb = 2\n";
  const std::string exe = std::string(ANPR_BINARY_DIR) + "/vehicle/app/anpr-vehicle";
  const auto r = RunCommand("env -u DISPLAY -u WAYLAND_DISPLAY SDL_AUDIODRIVER=dummy timeout -s KILL 30 " + exe +
                            " --headless --duration 2 --config " + config);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(FileBytes(dir.File("data/anpr.db-spill")), 3 << 20) << r.output;
  EXPECT_EQ(FileBytes(dir.File("data/anpr.db-reserve")), 2 << 20) << r.output;
}

}  // namespace
}  // namespace anpr::unit
