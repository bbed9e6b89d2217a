// Issue 16: anpr-vehicle with a list of [[camera]] tables runs every camera
// (each logged streaming by its id, each in the summary with its frames); a
// list with a repeated id stops the unit naming the table.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>
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

TEST(VehicleCameras, TwoCamerasBothRunAndEachIsInTheSummary) {
  sync::testing::TempDir dir;
  std::ofstream(dir.File("unit.toml")) << UnitToml(dir, "rear");
  auto r = testing::RunCommand("env -u DISPLAY " + std::string(ANPR_BINARY_DIR) +
                               "/vehicle/app/anpr-vehicle --config " + dir.File("unit.toml") + " --duration 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("camera front: streaming"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("camera rear: streaming"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("NOT RUN"), std::string::npos) << r.output;
  const size_t brace = r.output.rfind("\n{");
  ASSERT_NE(brace, std::string::npos) << r.output;
  const auto summary = nlohmann::json::parse(r.output.substr(brace + 1), nullptr, false);
  ASSERT_TRUE(summary.is_object()) << r.output;
  ASSERT_EQ(summary["cameras"].size(), 2u) << r.output;
  EXPECT_EQ(summary["cameras"][0]["id"], "front");
  EXPECT_EQ(summary["cameras"][1]["id"], "rear");
  for (const auto& c : summary["cameras"]) EXPECT_GE(c["frames"].get<int>(), 1) << c.dump();
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
