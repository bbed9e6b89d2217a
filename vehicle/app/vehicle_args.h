// `anpr-vehicle`'s command line: its options, and the configuration they
// select (--config FILE, or --demo's built-in one). Apart from main() so the
// parsing and the path handling can be tested and fuzzed without starting a
// unit: nothing here writes anything; it reads the configuration file only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vehicle/app/unit_config.h"

namespace anpr::unit {

struct VehicleArgs {
  std::string config_path;
  bool demo = false;
  bool headless = false;
  int64_t duration_ms = 0;  // 0: until stopped
  std::string demo_dir;     // the default is the caller's (where hw/demo is)
};

// What the command line asks for: run with `config` and `args`, or exit with
// `exit_code` after printing `out` (standard output: --help) and `err`
// (standard error: the usage error or the configuration's problem).
struct VehicleStart {
  bool run = false;
  int exit_code = 0;  // when !run: 0 after --help, 2 for a usage or configuration error
  std::string out, err;
  VehicleArgs args;
  UnitConfig config;
};

// `argv` as main() receives it (argv[0] is the program's name). The
// configuration file is loaded and validated (LoadUnitConfig); --demo makes
// the camera synthetic and the unit id DEMO-01.
VehicleStart ParseVehicleCommandLine(const std::vector<std::string>& argv, const std::string& default_demo_dir);

}  // namespace anpr::unit
