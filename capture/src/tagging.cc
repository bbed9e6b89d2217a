#include "capture/tagging.h"

#include <sys/timex.h>

#include <cmath>
#include <cstdlib>

namespace anpr {

bool KernelClockSynchronised() {
  timex tx{};  // modes = 0: read only, needs no privilege
  const int state = adjtimex(&tx);
  return state != -1 && state != TIME_ERROR && !(tx.status & STA_UNSYNC);
}

ClockStatus AssessClock(const GpsStatus& gps, bool kernel_synchronised, int64_t gps_agree_ms) {
  ClockStatus c;
  c.gps_minus_system_ms = gps.gps_minus_system_ms;
  c.kernel_synchronised = kernel_synchronised;
  if (gps.state == GpsState::kOk && gps.gps_minus_system_ms &&
      std::llabs(*gps.gps_minus_system_ms) <= gps_agree_ms) {
    c.source = ClockSource::kGps;
  } else if (kernel_synchronised) {
    c.source = ClockSource::kNtp;
  }
  return c;
}

int64_t ToGpsClockMs(int64_t captured_at_utc_ms, const ClockStatus& clock) {
  if (clock.source == ClockSource::kGps || !clock.gps_minus_system_ms) return captured_at_utc_ms;
  return captured_at_utc_ms + *clock.gps_minus_system_ms;
}

namespace {

// a + (b - a) * w on a circle of `period` degrees, taking the short way.
double LerpAngle(double a, double b, double w, double period) {
  double d = std::fmod(b - a, period);
  if (d > period / 2) d -= period;
  if (d < -period / 2) d += period;
  return a + d * w;
}

double Lerp(double a, double b, double w) {
  if (!std::isfinite(a)) return b;
  if (!std::isfinite(b)) return a;
  return a + (b - a) * w;
}

PositionTag FromFix(const GpsFix& f, int64_t at_ms) {
  PositionTag t;
  t.mode = f.mode;
  t.lat_deg = f.lat_deg;
  t.lon_deg = f.lon_deg;
  t.speed_mps = f.speed_mps;
  t.track_deg = f.track_deg;
  t.fix_age_ms = at_ms - *f.time_utc_ms;
  return t;
}

}  // namespace

PositionTag TagPosition(const std::vector<GpsFix>& history, int64_t at_ms, const TagOptions& options) {
  const GpsFix* before = nullptr;      // newest timed report at or before at_ms
  const GpsFix* after = nullptr;       // oldest timed report after at_ms
  const GpsFix* last_with_pos = nullptr;  // newest position at or before at_ms
  for (const GpsFix& f : history) {
    if (!f.time_utc_ms) continue;
    const int64_t t = *f.time_utc_ms;
    if (t <= at_ms) {
      if (!before || t >= *before->time_utc_ms) before = &f;
      if (f.has_position() && (!last_with_pos || t >= *last_with_pos->time_utc_ms)) last_with_pos = &f;
    } else if (!after || t < *after->time_utc_ms) {
      after = &f;
    }
  }
  if (before && after && before->has_position() && after->has_position() &&
      *after->time_utc_ms - *before->time_utc_ms <= options.max_interpolation_gap_ms) {
    const double w = double(at_ms - *before->time_utc_ms) /
                     double(*after->time_utc_ms - *before->time_utc_ms);
    PositionTag t;
    t.mode = std::min(before->mode, after->mode);
    t.lat_deg = before->lat_deg + (after->lat_deg - before->lat_deg) * w;
    t.lon_deg = LerpAngle(before->lon_deg, after->lon_deg, w, 360);
    if (t.lon_deg > 180) t.lon_deg -= 360;
    if (t.lon_deg <= -180) t.lon_deg += 360;
    t.speed_mps = Lerp(before->speed_mps, after->speed_mps, w);
    if (std::isfinite(before->track_deg) && std::isfinite(after->track_deg)) {
      t.track_deg = std::fmod(LerpAngle(before->track_deg, after->track_deg, w, 360) + 360, 360);
    } else {
      t.track_deg = std::isfinite(before->track_deg) ? before->track_deg : after->track_deg;
    }
    t.fix_age_ms = at_ms - *before->time_utc_ms;
    t.interpolated = true;
    return t;
  }
  if (last_with_pos && at_ms - *last_with_pos->time_utc_ms <= options.max_fix_age_ms) {
    return FromFix(*last_with_pos, at_ms);
  }
  return {};
}

FrameTag TagFrame(const GpsClient& gps, int64_t captured_at_utc_ms, const TagOptions& options) {
  FrameTag tag;
  tag.captured_at_utc_ms = captured_at_utc_ms;
  tag.clock = AssessClock(gps.status(), KernelClockSynchronised());
  tag.position = TagPosition(gps.History(), ToGpsClockMs(captured_at_utc_ms, tag.clock), options);
  return tag;
}

}  // namespace anpr
