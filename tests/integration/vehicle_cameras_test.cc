// Issue 16: anpr-vehicle with a list of [[camera]] tables. This build runs
// the first camera only, and says so, naming the cameras it does not run; a
// list with a repeated id stops the unit naming the table.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/integration/run_command.h"
#include "tests/sync/sync_test_support.h"

namespace anpr {
namespace {

std::string UnitToml(const sync::testing::TempDir& dir, const std::string& rear_id) {
  return "[unit]\ndata_dir = \"" + dir.File("data") + "\"\n" +
         "[[camera]]\nid = \"front\"\nsource = \"synthetic\"\nwidth = 320\nheight = 240\nfps = 2\n" +
         "[[camera]]\nid = \"" + rear_id + "\"\nsource = \"synthetic\"\nwidth = 320\nheight = 240\nfps = 2\n" +
         "[gps]\ngpsd = \"127.0.0.1:" + std::to_string(sync::testing::FreePort()) + "\"\n" +
         "[hmi]\nenabled = false\n";
}

TEST(VehicleCameras, TwoCamerasRunTheFirstAndNameTheOtherAsNotRun) {
  sync::testing::TempDir dir;
  std::ofstream(dir.File("unit.toml")) << UnitToml(dir, "rear");
  auto r = testing::RunCommand("env -u DISPLAY " + std::string(ANPR_BINARY_DIR) +
                               "/vehicle/app/anpr-vehicle --config " + dir.File("unit.toml") + " --duration 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("2 cameras configured; this unit runs only the first, front: NOT RUN: rear"),
            std::string::npos)
      << r.output;
}

TEST(VehicleCameras, ARepeatedCameraIdStopsTheUnitNamingTheTable) {
  sync::testing::TempDir dir;
  std::ofstream(dir.File("unit.toml")) << UnitToml(dir, "front");
  auto r = testing::RunCommand("env -u DISPLAY " + std::string(ANPR_BINARY_DIR) +
                               "/vehicle/app/anpr-vehicle --config " + dir.File("unit.toml") + " --duration 1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("[[camera]] #2: camera.id 'front' is already the id of [[camera]] #1"), std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace anpr
