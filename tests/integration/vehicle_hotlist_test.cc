// anpr-vehicle's hotlist folder across restarts, as a depot administrator
// would drive it: a new file comes into force at start, the same file is not
// imported again, a changed file becomes the next version, and a broken file
// leaves the version in force (with a clear message in the log).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/run_command.h"
#include "tests/sync/sync_test_support.h"
#include "vehicle/store/store.h"

namespace anpr {
namespace {

std::string RunUnit(const std::string& config, int* exit_code) {
  auto r = testing::RunCommand("env -u DISPLAY " + std::string(ANPR_BINARY_DIR) + "/vehicle/app/anpr-vehicle --config " +
                               config + " --duration 2");
  *exit_code = r.exit_code;
  return r.output;
}

int64_t VersionOf(const std::string& db, const std::string& list) {
  StoreOptions o;
  o.path = db;
  auto store = Store::Open(o);
  if (!store.ok()) return -1;
  auto lists = (*store)->Hotlists();
  if (!lists.ok()) return -1;
  for (const HotlistMeta& m : *lists) {
    if (m.name == list) return m.version;
  }
  return 0;
}

TEST(VehicleHotlists, FolderListsComeIntoForceOnceAndABadFileKeepsTheOld) {
  sync::testing::TempDir dir;
  std::filesystem::create_directories(dir.File("lists"));
  std::ofstream(dir.File("lists/force.csv")) << "vrm,priority,reason\nAB12CDE,high,stolen\n";
  std::ofstream(dir.File("unit.toml")) << "[unit]\ndata_dir = \"" << dir.File("data") << "\"\n"
                                       << "[camera]\nsource = \"synthetic\"\nwidth = 640\nheight = 360\nfps = 5\n"
                                       << "[gps]\ngpsd = \"127.0.0.1:" << sync::testing::FreePort() << "\"\n"
                                       << "[hotlists]\ndir = \"" << dir.File("lists") << "\"\n[hmi]\nenabled = false\n";
  const std::string db = dir.File("data/anpr.db");
  int rc = -1;
  std::string out = RunUnit(dir.File("unit.toml"), &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(VersionOf(db, "force"), 1) << out;

  out = RunUnit(dir.File("unit.toml"), &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(VersionOf(db, "force"), 1) << "the same file was imported again\n" << out;
  EXPECT_NE(out.find("unchanged since it was imported"), std::string::npos) << out;

  std::ofstream(dir.File("lists/force.csv")) << "vrm,priority,reason\nAB12CDE,high,stolen\nXY51ABC,low,no tax\n";
  out = RunUnit(dir.File("unit.toml"), &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(VersionOf(db, "force"), 2) << out;

  std::ofstream(dir.File("lists/force.csv")) << "vrm,priority,reason\nAB12CDE,urgent,stolen\n";
  out = RunUnit(dir.File("unit.toml"), &rc);
  ASSERT_EQ(rc, 0) << "a bad list must not stop the unit\n" << out;
  EXPECT_NE(out.find("force.csv:2: priority 'urgent'"), std::string::npos) << out;
  EXPECT_EQ(VersionOf(db, "force"), 2) << "the version in force must stay";
}

}  // namespace
}  // namespace anpr
