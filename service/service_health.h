// The watchdog of a long-running program, fed by the loops that matter.
//
// Each loop that must keep going (the unit's recognition loop; the depot's
// probe of its own HTTP server) registers and calls Beat() once per pass,
// idle passes included. The program's main loop calls Tick(), which tells
// the service manager the program is alive (Notifier::Alive, WATCHDOG=1)
// only while every registered loop beat within the stall limit. A hung
// loop, or a hung main loop, therefore stops the pings, and systemd kills
// and restarts the program WatchdogSec= later. A thread that pinged on a
// timer of its own would keep a hung program "alive" for ever.
//
// Worst case from a hang to the kill: stall limit + ping spacing +
// WatchdogSec. With WatchdogSec=15 (hw/*.service): 7.5 + 3.75 + 15 s, under
// the 30 s the unit must be restarted within.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "service/notifier.h"
#include "vehicle/records/mutex.h"

namespace anpr::service {

class ServiceHealth {
 public:
  using LoopId = int;

  // `stall_limit_ms` 0: half the watchdog interval. Reads the test hook
  // $ANPR_TEST_HANG_LOOP (below) once, here.
  explicit ServiceHealth(std::unique_ptr<Notifier> notifier, int64_t stall_limit_ms = 0);

  // Start-up finished (READY=1), and shutting down (STOPPING=1).
  void Ready();
  void Stopping();
  // Forwards one status line (systemctl status).
  void Status(const std::string& text);

  // A loop that must keep going; its first deadline counts from now.
  // Thread-safe.
  LoopId Register(const std::string& name);
  // One pass of the loop. Thread-safe, cheap (a lock and a clock read).
  //
  // Test hook: with $ANPR_TEST_HANG_LOOP=NAME:MS in the environment, the
  // loop NAME hangs for good in its first Beat() at least MS ms after it
  // registered (it sleeps until the process is killed), as a loop stuck in a
  // driver or a library would; tests/service checks the pings then stop.
  void Beat(LoopId id);
  // The loop ended on purpose (its source ended, or it could not start and
  // the program runs degraded): it is no longer watched. Thread-safe.
  void Retire(LoopId id);

  // From the main loop, as often as it likes: sends Alive() when one is due
  // (every watchdog interval / 4) and no loop stalled. Logs a stalled loop
  // once. Returns the names of the stalled loops (empty when all is well).
  std::vector<std::string> Tick();

  // The stall limit in force, ms; 0 when the service manager asked for no
  // watchdog (Tick() then sends nothing).
  int64_t stall_limit_ms() const { return stall_limit_ms_; }

 private:
  struct Loop {
    std::string name;
    int64_t registered_mono_ms = 0;
    int64_t last_beat_mono_ms = 0;
    bool retired = false;
    bool stall_logged = false;
  };
  void MaybeHang(const std::string& name, int64_t registered_mono_ms, int64_t now_mono_ms) const;

  std::unique_ptr<Notifier> notifier_;
  const int64_t interval_ms_;
  const int64_t stall_limit_ms_;
  // The test hook, parsed once.
  std::string hang_loop_;
  int64_t hang_after_ms_ = -1;

  mutable Mutex mu_;
  std::vector<Loop> loops_ ANPR_GUARDED_BY(mu_);
  int64_t next_ping_mono_ms_ ANPR_GUARDED_BY(mu_) = 0;
};

}  // namespace anpr::service
