// `anpr-vehicle`: the in-car unit. Wires capture, recognition, the store,
// matching, the HMI and sync into one program (vehicle/app/unit.h).
#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>

#include "service/journal.h"
#include "service/service_health.h"
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
  // --version alone, answered before parsing, as anpr and anpr-depot do.
  bool version_only = false;  // listed in --help; acted on before parsing
  app.add_flag("--version", version_only, "Print the version and exit");
  if (argc == 2 && std::string(argv[1]) == "--version") {
    std::cout << "anpr-vehicle " << ANPR_VERSION << std::endl;
    return 0;
  }
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

  // Under systemd: log entries with the unit's id as a journal field, and
  // READY=1 / WATCHDOG=1 from the unit's loops (Type=notify, WatchdogSec=).
  anpr::service::UseJournalIfConnected("anpr-vehicle", {{"ANPR_UNIT_ID", config.unit_id}});
  anpr::service::ServiceHealth health(anpr::service::MakeSystemdNotifier());
  options.health = &health;

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
