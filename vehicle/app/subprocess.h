// A child process owned by the unit (the demo's gpsfake). Stopped with
// SIGTERM (then SIGKILL) when the owner is destroyed, and also when the unit
// dies without running any code (kill -9, a crash), so the demo never leaves
// a gpsfake or gpsd behind:
//
//   unit -> guard (own process group, PR_SET_PDEATHSIG) -> program -> gpsd
//
// The guard is a forked copy of the unit that execs nothing: when the unit
// dies the kernel signals it; it then sends the program SIGTERM, waits up to
// kGuardGraceMs and SIGKILLs the whole group. The program has PDEATHSIG
// SIGTERM towards the guard, so killing the guard stops it too. The guard
// checks getppid(), so the exit of the unit's thread that called Start (which
// also fires PDEATHSIG on Linux) is not taken for the unit's death: Start may
// be called from any thread. When the program exits, the guard kills what is
// left of its group and exits too.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "vehicle/records/status.h"

namespace anpr::unit {

// How long the guard lets the program clean up after a SIGTERM.
inline constexpr int kGuardGraceMs = 2000;

class Subprocess {
 public:
  Subprocess() = default;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess() { Stop(); }

  // Starts argv[0] (searched in PATH) with stdout/stderr sent to log_path
  // (or /dev/null when empty).
  Status Start(const std::vector<std::string>& argv, const std::string& log_path = "");
  // Sends the group SIGTERM, waits up to grace_ms for the guard, then
  // SIGKILLs the group. Safe to call twice.
  void Stop(int grace_ms = 2000);
  bool running() const;
  // The guard's pid (also the process group's id).
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
