#include "vehicle/app/vehicle_args.h"

#include <CLI/CLI.hpp>

#include <sstream>

namespace anpr::unit {
namespace {

constexpr double kMaxDurationS = 1e7;

}  // namespace

VehicleStart ParseVehicleCommandLine(const std::vector<std::string>& argv, const std::string& default_demo_dir) {
  VehicleStart start;
  VehicleArgs& a = start.args;
  a.demo_dir = default_demo_dir;
  CLI::App app{"anpr-vehicle: the in-car ANPR unit"};
  double duration_s = 0;
  // Listed in --help; main() answers `anpr-vehicle --version` before parsing.
  bool version_only = false;
  app.add_flag("--version", version_only, "Print the version and exit");
  app.add_option("--config", a.config_path, "Configuration file (see hw/anpr-vehicle.example.toml)");
  app.add_flag("--demo", a.demo,
               "Run with no hardware: synthetic drive-by, simulated GPS (gpsfake), demo hotlist, "
               "temporary data folder");
  app.add_flag("--headless", a.headless, "No window, even when a display is available");
  app.add_option("--duration", duration_s, "Run for this many seconds, then print a JSON summary and exit")
      ->check(CLI::Range(0.0, kMaxDurationS));
  app.add_option("--demo-dir", a.demo_dir, "Folder of the demo's hotlist and GPS log");
  std::vector<const char*> args;
  for (const std::string& s : argv) args.push_back(s.c_str());
  if (args.empty()) args.push_back("anpr-vehicle");
  std::ostringstream out, err;
  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::ParseError& e) {
    start.exit_code = app.exit(e, out, err);
    if (start.exit_code != 0) start.exit_code = 2;
    start.out = out.str();
    start.err = err.str();
    return start;
  }
  // CLI::Range lets NaN through (every comparison with it is false), and
  // converting NaN to milliseconds is undefined: the unit ran for ever.
  if (!(duration_s >= 0 && duration_s <= kMaxDurationS)) {
    start.exit_code = 2;
    start.err = "anpr-vehicle: --duration: not a number of seconds in 0-10000000\n";
    return start;
  }
  a.duration_ms = static_cast<int64_t>(duration_s * 1000);

  if (!a.config_path.empty()) {
    auto loaded = LoadUnitConfig(a.config_path);
    if (!loaded.ok()) {
      start.exit_code = 2;
      start.err = "anpr-vehicle: " + loaded.status().message() + "\n";
      return start;
    }
    start.config = *loaded;
  } else if (!a.demo) {
    start.exit_code = 2;
    start.err = "anpr-vehicle: give --config FILE (see hw/anpr-vehicle.example.toml) or --demo\n";
    return start;
  }
  if (a.demo) {
    start.config.camera_source = "synthetic";
    start.config.unit_id = "DEMO-01";
  }
  start.run = true;
  return start;
}

}  // namespace anpr::unit
