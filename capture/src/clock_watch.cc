#include "capture/clock_watch.h"

#include <cstdio>
#include <cstdlib>

#include <spdlog/spdlog.h>

namespace anpr {

ClockVerdict ClockWatch::Observe(int64_t now_mono_ms, const GpsStatus& gps, bool kernel_synchronised) {
  const bool fix = gps.state == GpsState::kOk;
  ClockVerdict v;
  MutexLock lock(&mu_);
  if (fix && !kernel_synchronised) {
    if (unsynced_with_fix_since_mono_ms_ < 0) unsynced_with_fix_since_mono_ms_ = now_mono_ms;
  } else {
    unsynced_with_fix_since_mono_ms_ = -1;
  }
  char why[120];
  if (options_.compare_gps_time && fix && gps.gps_minus_system_ms &&
      std::llabs(*gps.gps_minus_system_ms) > options_.max_offset_ms) {
    v.verified = false;
    std::snprintf(why, sizeof why, "system clock %.1f s %s GPS time", std::llabs(*gps.gps_minus_system_ms) / 1000.0,
                  *gps.gps_minus_system_ms > 0 ? "behind" : "ahead of");
    v.why = why;
  } else if (unsynced_with_fix_since_mono_ms_ >= 0 &&
             now_mono_ms - unsynced_with_fix_since_mono_ms_ > options_.max_unsynced_with_fix_ms) {
    v.verified = false;
    std::snprintf(why, sizeof why, "clock not synchronised for %lld min with a GPS fix (is chrony running?)",
                  static_cast<long long>((now_mono_ms - unsynced_with_fix_since_mono_ms_) / 60000));
    v.why = why;
  }
  // Said once each way: the log shows when evidence times became doubtful.
  if (v.verified != last_.verified) {
    if (v.verified) {
      spdlog::info("clock: verified again");
    } else {
      spdlog::warn("clock: not verified ({}): reads are flagged clock_unverified", v.why);
    }
  }
  last_ = v;
  return v;
}

ClockVerdict ClockWatch::Last() const {
  MutexLock lock(&mu_);
  return last_;
}

}  // namespace anpr
