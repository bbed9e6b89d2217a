// Notifier over libsystemd: sd_notify() sends one datagram to
// $NOTIFY_SOCKET and returns 0 when the variable is unset.
#include "service/notifier.h"

#include <systemd/sd-daemon.h>

namespace anpr::service {
namespace {

class SystemdNotifier : public Notifier {
 public:
  SystemdNotifier() {
    uint64_t usec = 0;
    // > 0 only when $WATCHDOG_USEC is set and $WATCHDOG_PID, if set, is us
    // (a child the program starts must not think it is watched).
    if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) > 0) {
      interval_ms_ = static_cast<int64_t>(usec / 1000);
    }
  }
  void Ready() override { sd_notify(0, "READY=1"); }
  void Alive() override { sd_notify(0, "WATCHDOG=1"); }
  void Stopping() override { sd_notify(0, "STOPPING=1"); }
  void Status(const std::string& text) override { sd_notifyf(0, "STATUS=%s", text.c_str()); }
  int64_t WatchdogIntervalMs() const override { return interval_ms_; }

 private:
  int64_t interval_ms_ = 0;
};

}  // namespace

std::unique_ptr<Notifier> MakeSystemdNotifier() { return std::make_unique<SystemdNotifier>(); }

}  // namespace anpr::service
