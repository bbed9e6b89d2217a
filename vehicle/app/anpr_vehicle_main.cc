// `anpr-vehicle`: the in-car unit. Wires capture, recognition, the store,
// matching, the HMI and sync into one program (vehicle/app/unit.h).
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "service/journal.h"
#include "service/service_health.h"
#include "vehicle/app/unit.h"
#include "vehicle/app/vehicle_args.h"
#include "vehicle/recognition/recognition_io.h"

namespace {

anpr::unit::Unit* g_unit = nullptr;

extern "C" void OnSignal(int) {
  if (g_unit) g_unit->RequestStop();  // sets an atomic flag only
}

}  // namespace

int main(int argc, char** argv) {
  // --version alone, answered before parsing, as anpr and anpr-depot do.
  if (argc == 2 && std::string(argv[1]) == "--version") {
    std::cout << "anpr-vehicle " << ANPR_VERSION << std::endl;
    return 0;
  }
  // One OCR thread per recognition worker (the pool's threads are the
  // parallelism; OpenMP's own threads in every engine would oversubscribe
  // the cores). Restarts the process once when OMP_THREAD_LIMIT is unset.
  anpr::RestartWithSingleThreadedOcr();
  const anpr::unit::VehicleStart start =
      anpr::unit::ParseVehicleCommandLine(std::vector<std::string>(argv, argv + argc), ANPR_DEMO_DIR);
  std::cout << start.out;
  std::cerr << start.err;
  if (!start.run) return start.exit_code;
  const anpr::unit::UnitConfig& config = start.config;
  anpr::unit::UnitOptions options;
  options.demo = start.args.demo;
  options.headless = start.args.headless;
  options.duration_ms = start.args.duration_ms;
  options.demo_dir = start.args.demo_dir;

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
