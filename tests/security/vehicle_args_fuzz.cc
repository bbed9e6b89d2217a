// Any argument vector for `anpr-vehicle` (the input split at NUL bytes, as
// the kernel hands argv over): the command line must end in a usage error
// with a message, --help, or a start the unit can act on as given, and
// never crash, hang or hit undefined behaviour. Nothing is written: the
// parser only reads the file --config names.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "vehicle/app/vehicle_args.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> argv{"anpr-vehicle"};
  std::string arg;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      argv.push_back(arg);
      arg.clear();
    } else {
      arg.push_back(static_cast<char>(data[i]));
    }
  }
  if (size > 0) argv.push_back(arg);
  const anpr::unit::VehicleStart s = anpr::unit::ParseVehicleCommandLine(argv, "/nonexistent/demo");
  if (!s.run) {
    if (s.exit_code != 0 && s.exit_code != 2) std::abort();
    if (s.exit_code == 2 && s.err.empty()) std::abort();  // a refusal says why
    if (s.exit_code == 0 && s.out.empty()) std::abort();  // --help prints it
    return 0;
  }
  // A start: a duration the unit can count down, and a configuration
  // from a file or the demo's.
  if (s.args.duration_ms < 0 || s.args.duration_ms > int64_t{10'000'000} * 1000) std::abort();
  if (s.args.config_path.empty() && !s.args.demo) std::abort();
  if (s.config.gpsd_port < 1 || s.config.gpsd_port > 65535) std::abort();
  return 0;
}
