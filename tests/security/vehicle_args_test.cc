// `anpr-vehicle`'s own arguments (issue 14: the CLI's path handling is
// fuzzed, tests/security/vehicle_args_fuzz.cc). What the parser and the
// fuzzer found, as tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "tests/common/temp_dir.h"
#include "tests/integration/run_command.h"
#include "vehicle/app/vehicle_args.h"

namespace anpr::unit {
namespace {

using anpr::testing::RunCommand;
using anpr::testing::TempDir;

VehicleStart Parse(const std::vector<std::string>& args) {
  std::vector<std::string> argv(args.size() + 1, "anpr-vehicle");
  std::copy(args.begin(), args.end(), argv.begin() + 1);
  return ParseVehicleCommandLine(argv, "/demo");
}

TEST(VehicleArgs, AConfigFileOrTheDemoStartsTheUnit) {
  const VehicleStart demo = Parse({"--demo", "--headless", "--duration", "2.5"});
  ASSERT_TRUE(demo.run) << demo.err;
  EXPECT_EQ(demo.args.duration_ms, 2500);
  EXPECT_EQ(demo.config.camera_source, "synthetic");
  EXPECT_EQ(demo.args.demo_dir, "/demo");
  const VehicleStart example = Parse({"--config", std::string(ANPR_SOURCE_DIR) + "/hw/anpr-vehicle.example.toml"});
  ASSERT_TRUE(example.run) << example.err;
  const VehicleStart none = Parse({});
  EXPECT_FALSE(none.run);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("--config"), std::string::npos) << none.err;
  const VehicleStart help = Parse({"--help"});
  EXPECT_FALSE(help.run);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--duration"), std::string::npos) << help.out;
}

// "nan" passed CLI11's range check (every comparison with NaN is false) and
// the unit converted it to milliseconds: undefined behaviour, in practice a
// negative duration.
TEST(VehicleArgs, ADurationThatIsNotANumberOfSecondsIsRefused) {
  for (const char* bad : {"nan", "NaN", "-nan", "inf", "-1", "1e8", "abc", ""}) {
    const VehicleStart s = Parse({"--demo", "--duration", bad});
    EXPECT_FALSE(s.run) << "--duration '" << bad << "' was taken as " << s.args.duration_ms << " ms";
    EXPECT_EQ(s.exit_code, 2) << bad;
    EXPECT_NE(s.err.find("--duration"), std::string::npos) << bad << ": " << s.err;
  }
}

TEST(VehicleArgs, TheRealProgramRefusesANanDuration) {
  const std::string exe = std::string(ANPR_BINARY_DIR) + "/vehicle/app/anpr-vehicle";
  const auto r = RunCommand("env -u DISPLAY -u WAYLAND_DISPLAY SDL_AUDIODRIVER=dummy timeout -s KILL 20 " + exe +
                            " --demo --headless --duration nan");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--duration"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace anpr::unit
