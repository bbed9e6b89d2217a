// A child process owned by the unit (the demo's gpsfake). Started with
// posix_spawn, stopped with SIGTERM (then SIGKILL) when the owner is
// destroyed, so the demo never leaves a gpsd behind.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "vehicle/records/status.h"

namespace anpr::unit {

class Subprocess {
 public:
  Subprocess() = default;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess() { Stop(); }

  // Starts argv[0] (searched in PATH) with stdout/stderr sent to log_path
  // (or /dev/null when empty).
  Status Start(const std::vector<std::string>& argv, const std::string& log_path = "");
  // SIGTERM, wait up to grace_ms, then SIGKILL. Safe to call twice.
  void Stop(int grace_ms = 2000);
  bool running() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// A free TCP port on 127.0.0.1 (bound and released; racy but fine for a demo
// or a test on a quiet machine).
int FreeLoopbackPort();

// Waits until 127.0.0.1:port accepts connections, up to timeout_ms.
bool WaitForPort(int port, int timeout_ms);

}  // namespace anpr::unit
