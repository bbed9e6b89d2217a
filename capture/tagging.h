// Time and place for a frame: where the car was at the frame's capture time
// (interpolated between the GPS fixes around it, or the last fix with its
// age), and how far the unit's clock can be trusted, in the records' FixMode
// and ClockSource (vehicle/records/read.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "capture/gps.h"
#include "vehicle/records/read.h"  // ClockSource, FixMode

namespace anpr {

struct ClockStatus {
  // How the system clock that stamped the frame was disciplined.
  ClockSource source = ClockSource::kFreeRunning;
  // GPS time minus system time, last measured (see GpsClient::ClockOffsetMs).
  std::optional<int64_t> gps_minus_system_ms;
  bool kernel_synchronised = false;  // the kernel says NTP/chrony keeps it in step
  // What ClockWatch (capture/clock_watch.h) last found; reads stamped while
  // false carry clock_unverified. AssessClock leaves it true.
  bool verified = true;
};

// True when the kernel reports the clock synchronised (adjtimex: no
// STA_UNSYNC, no TIME_ERROR), i.e. chrony/ntpd (perhaps fed by gpsd) steers it.
bool KernelClockSynchronised();

// kGps when a fresh GPS fix (state ok) puts GPS time within gps_agree_ms of
// the system clock (the measured offset includes the receiver's reporting
// lag, hence the tolerance); else kNtp when the kernel is synchronised; else
// kFreeRunning.
ClockStatus AssessClock(const GpsStatus& gps, bool kernel_synchronised, int64_t gps_agree_ms = 1000);

// Where the car was when a frame was taken. Unknown values are NaN.
struct PositionTag {
  FixMode mode = FixMode::kNone;
  double lat_deg = GpsFix::kUnknown;
  double lon_deg = GpsFix::kUnknown;
  double speed_mps = GpsFix::kUnknown;
  double track_deg = GpsFix::kUnknown;
  // How old the position's source fix was at the frame's time (the earlier of
  // the two fixes when interpolated); -1 when there is no position.
  int64_t fix_age_ms = -1;
  bool interpolated = false;
};

struct TagOptions {
  // Interpolate only between fixes at most this far apart; wider gaps (a
  // tunnel, a lost fix) give the last fix with its age instead.
  int64_t max_interpolation_gap_ms = 3000;
  // A fix older than this says nothing useful about the car: no position.
  int64_t max_fix_age_ms = 60000;
};

// The position at `at_gps_utc_ms` (a time on the GPS clock) from `history`
// (fixes in any order; those without time are ignored). Interpolates when
// fixes with positions bracket the time closely and no no-fix report lies
// between them; otherwise the newest position at or before the time, with
// its age; none when there is no earlier position.
PositionTag TagPosition(const std::vector<GpsFix>& history, int64_t at_gps_utc_ms,
                        const TagOptions& options = {});

// A frame's capture time moved onto the GPS clock: unchanged when the clock
// is GPS-disciplined (the offset there is mostly reporting lag), else
// corrected by the measured offset when there is one.
int64_t ToGpsClockMs(int64_t captured_at_utc_ms, const ClockStatus& clock);

// Everything a read carries about time and place.
struct FrameTag {
  int64_t captured_at_utc_ms = 0;  // as stamped, never altered
  ClockStatus clock;
  PositionTag position;
};

// Convenience for the pipeline: the clock assessment and position for one
// capture time from a running client.
FrameTag TagFrame(const GpsClient& gps, int64_t captured_at_utc_ms, const TagOptions& options = {});

}  // namespace anpr
