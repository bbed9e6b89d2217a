// Whether the clock that stamps reads can be trusted as evidence, judged
// over time from what capture sees (issue 15, "clock discipline"):
//
//   - a GPS fix is present (state ok) and GPS time differs from the system
//     clock by more than max_offset_ms (1 s): unverified at once. The offset
//     is GpsStatus::gps_minus_system_ms, the largest over the last 16
//     fixes, so serial and gpsd latency (50-500 ms) do not trip it, while a
//     step either way shows within a few fixes;
//   - the kernel reports the clock unsynchronised (adjtimex, STA_UNSYNC)
//     continuously for more than max_unsynced_with_fix_ms (10 min) while a
//     GPS fix is present: chrony (hw/chrony-anpr.conf) should have locked
//     to GPS long before, so it is not disciplining the clock.
//
// Verified again as soon as neither holds. Without a fix nothing is
// compared (the free-running mark of AssessClock covers that case).
// A unit replaying a recorded GPS log (the demo) sets compare_gps_time =
// false: the log's times are not now.
#pragma once

#include <cstdint>
#include <string>

#include "capture/gps.h"
#include "vehicle/records/mutex.h"

namespace anpr {

struct ClockWatchOptions {
  int64_t max_offset_ms = 1000;
  int64_t max_unsynced_with_fix_ms = 10 * 60 * 1000;
  bool compare_gps_time = true;
};

struct ClockVerdict {
  bool verified = true;
  std::string why;  // in words when not verified, e.g. "2.1 s off GPS time"
};

// Thread-safe.
class ClockWatch {
 public:
  explicit ClockWatch(ClockWatchOptions options = {}) : options_(options) {}

  // One look at the clock at monotonic time now_mono_ms (times must not go
  // back); returns the verdict, which Last() then gives too.
  ClockVerdict Observe(int64_t now_mono_ms, const GpsStatus& gps, bool kernel_synchronised);
  ClockVerdict Last() const;

 private:
  const ClockWatchOptions options_;
  mutable Mutex mu_;
  int64_t unsynced_with_fix_since_mono_ms_ ANPR_GUARDED_BY(mu_) = -1;  // -1: not now
  ClockVerdict last_ ANPR_GUARDED_BY(mu_);
};

}  // namespace anpr
