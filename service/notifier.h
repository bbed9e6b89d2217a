// What a long-running program tells its service manager, over systemd's
// sd_notify protocol: start-up finished, still alive, stopping. Outside
// systemd ($NOTIFY_SOCKET unset) every call does nothing, so the programs
// run the same from a shell, in a test and as a service.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace anpr::service {

// Thread-safe. Implementations never block for long and never fail loudly:
// a service manager that went away must not stop the program.
class Notifier {
 public:
  virtual ~Notifier() = default;
  // Start-up finished and the program does its work (READY=1; a
  // Type=notify unit counts as started from here).
  virtual void Ready() = 0;
  // The loops that matter made progress (WATCHDOG=1). Call it only from
  // there, never from a timer of its own: see ServiceHealth.
  virtual void Alive() = 0;
  // Shutting down on purpose (STOPPING=1).
  virtual void Stopping() = 0;
  // One line for `systemctl status` (STATUS=...).
  virtual void Status(const std::string& text) = 0;
  // How often the service manager expects Alive() (WatchdogSec=, from
  // $WATCHDOG_USEC), ms; 0 when it asks for no watchdog.
  virtual int64_t WatchdogIntervalMs() const = 0;
};

// The notifier over libsystemd's sd_notify(), reading $NOTIFY_SOCKET and
// $WATCHDOG_USEC / $WATCHDOG_PID once, here.
std::unique_ptr<Notifier> MakeSystemdNotifier();

}  // namespace anpr::service
