// `anpr-vehicle`: the in-car unit. Wires capture, recognition, the store,
// matching, the HMI and sync into one program (vehicle/app/unit.h).
#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>

#include "vehicle/app/unit.h"
#include "vehicle/app/unit_config.h"

namespace {

anpr::unit::Unit* g_unit = nullptr;

extern "C" void OnSignal(int) {
  if (g_unit) g_unit->RequestStop();  // sets an atomic flag only
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"anpr-vehicle: the in-car ANPR unit"};
  std::string config_path;
  anpr::unit::UnitOptions options;
  options.demo_dir = ANPR_DEMO_DIR;
  double duration_s = 0;
  app.add_option("--config", config_path, "Configuration file (see hw/anpr-vehicle.example.toml)");
  app.add_flag("--demo", options.demo,
               "Run with no hardware: synthetic drive-by, simulated GPS (gpsfake), demo hotlist, "
               "temporary data folder");
  app.add_flag("--headless", options.headless, "No window, even when a display is available");
  app.add_option("--duration", duration_s, "Run for this many seconds, then print a JSON summary and exit")
      ->check(CLI::Range(0.0, 1e7));
  app.add_option("--demo-dir", options.demo_dir, "Folder of the demo's hotlist and GPS log");
  CLI11_PARSE(app, argc, argv);
  options.duration_ms = static_cast<int64_t>(duration_s * 1000);

  anpr::unit::UnitConfig config;
  if (!config_path.empty()) {
    auto loaded = anpr::unit::LoadUnitConfig(config_path);
    if (!loaded.ok()) {
      std::cerr << "anpr-vehicle: " << loaded.status().message() << std::endl;
      return 2;
    }
    config = loaded.value();
  } else if (!options.demo) {
    std::cerr << "anpr-vehicle: give --config FILE (see hw/anpr-vehicle.example.toml) or --demo" << std::endl;
    return 2;
  }
  if (options.demo) {
    config.camera_source = "synthetic";
    config.unit_id = "DEMO-01";
  }

  auto unit = anpr::unit::Unit::Create(config, options);
  if (!unit.ok()) {
    std::cerr << "anpr-vehicle: cannot start: " << unit.status().ToString() << std::endl;
    return 1;
  }
  g_unit = unit->get();
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  if (options.demo) {
    std::cout << "anpr-vehicle demo: a synthetic drive-by with hotlisted vehicles of high, medium "
                 "and low priority; simulated GPS; officer "
              << "1001 logged in. Close the window or press Ctrl-C to stop." << std::endl;
  }
  const anpr::Status run = (*unit)->Run();
  g_unit = nullptr;
  const anpr::unit::UnitSummary summary = (*unit)->Summary();
  std::cout << summary.ToJson() << std::endl;
  if (!run.ok()) {
    std::cerr << "anpr-vehicle: " << run.ToString() << std::endl;
    return 1;
  }
  return 0;
}
