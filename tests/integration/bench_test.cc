// `anpr bench` (issue 12: "Print the CPU model beside every figure"): on a
// tiny generated labelled folder it prints, before its table, the machine
// line: the CPU model /proc/cpuinfo names, the cores online and the build.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "tests/common/temp_dir.h"
#include "tests/integration/run_command.h"

namespace anpr {
namespace {

// The first "model name" of /proc/cpuinfo, read here apart from the
// program's own reader: "" on machines that do not name their CPU.
std::string CpuinfoModelName() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t at = line.find_first_not_of(" \t", line.find(':') + 1);
    return at == std::string::npos ? "" : line.substr(at);
  }
  return "";
}

TEST(Bench, PrintsTheCpuModelCoresAndBuildBeforeItsFigures) {
  testing::TempDir dir;
  const std::string anpr = std::string(ANPR_BINARY_DIR) + "/vehicle/app/anpr";
  auto made = testing::RunCommand(anpr + " synth fixtures --seed 3 --count 2 --out " + dir.File("set"));
  ASSERT_EQ(made.exit_code, 0) << made.output;
  auto r = testing::RunCommand(anpr + " bench " + dir.File("set"));
  ASSERT_EQ(r.exit_code, 0) << r.output;

  std::istringstream lines(r.output);
  std::string line, machine;
  bool table_before_machine = false, row_1280 = false;
  while (std::getline(lines, line)) {
    if (line.rfind("machine: ", 0) == 0) machine = line;
    if (line.find("top1%") != std::string::npos && machine.empty()) table_before_machine = true;
    if (line.rfind("1280x720 ", 0) == 0) row_1280 = true;
  }
  ASSERT_FALSE(machine.empty()) << r.output;
  EXPECT_FALSE(table_before_machine) << r.output;
  EXPECT_TRUE(row_1280) << r.output;

  // machine: MODEL at MHZ MHz, N cores online..., build TYPE...
  const size_t model_end = machine.find(" at ");
  ASSERT_NE(model_end, std::string::npos) << machine;
  const std::string model = machine.substr(9, model_end - 9);
  EXPECT_FALSE(model.empty()) << machine;
  const std::string expected_model = CpuinfoModelName();
  if (!expected_model.empty()) {
    EXPECT_EQ(model, expected_model) << machine;
  }
  const std::string cores = std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + " cores online";
  EXPECT_NE(machine.find(" MHz, " + cores), std::string::npos) << machine;
  EXPECT_NE(machine.find(", build "), std::string::npos) << machine;
}

}  // namespace
}  // namespace anpr
