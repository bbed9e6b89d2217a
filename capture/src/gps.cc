// GpsClient: one thread, one libgps connection at a time.
#include "capture/gps.h"

#include <gps.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>

#include <spdlog/spdlog.h>

#include "vehicle/records/backoff.h"
#include "capture/frame_source.h"  // MonotonicNowMs, SystemUtcNowMs

namespace anpr {

namespace {

constexpr size_t kOffsetWindow = 16;
constexpr int64_t kNoFixEmitIntervalMs = 1000;
constexpr int kWaitSliceUs = 200000;  // how often the thread checks stop_

// A double from gpsd, trusted only when its set flag is on and it is finite.
double Trusted(gps_mask_t set, gps_mask_t flag, double v) {
  return ((set & flag) != 0 && std::isfinite(v)) ? v : GpsFix::kUnknown;
}

GpsFix FixFromGpsData(const gps_data_t& d) {
  GpsFix f;
  const gps_mask_t set = d.set;
  if (set & MODE_SET) {
    if (d.fix.mode == MODE_3D) f.mode = FixMode::k3D;
    else if (d.fix.mode == MODE_2D) f.mode = FixMode::k2D;
  }
  if ((set & TIME_SET) && d.fix.time.tv_sec > 0) {
    f.time_utc_ms = int64_t(d.fix.time.tv_sec) * 1000 + d.fix.time.tv_nsec / 1000000;
  }
  if (f.mode != FixMode::kNone) {
    f.lat_deg = Trusted(set, LATLON_SET, d.fix.latitude);
    f.lon_deg = Trusted(set, LATLON_SET, d.fix.longitude);
    if (!std::isfinite(f.lat_deg) || !std::isfinite(f.lon_deg) || std::fabs(f.lat_deg) > 90 ||
        std::fabs(f.lon_deg) > 180) {
      f.lat_deg = f.lon_deg = GpsFix::kUnknown;
    }
    if (f.mode == FixMode::k3D) {
      f.alt_hae_m = Trusted(set, ALTITUDE_SET, d.fix.altHAE);
      f.alt_msl_m = Trusted(set, ALTITUDE_SET, d.fix.altMSL);
      f.climb_mps = Trusted(set, CLIMB_SET, d.fix.climb);
      f.epv_m = Trusted(set, VERR_SET, d.fix.epv);
    }
    f.speed_mps = Trusted(set, SPEED_SET, d.fix.speed);
    f.track_deg = Trusted(set, TRACK_SET, d.fix.track);
    // gpsd has no set flag of its own for eph; it is NaN when unknown.
    f.eph_m = Trusted(set, MODE_SET, d.fix.eph);
    f.eps_mps = Trusted(set, SPEEDERR_SET, d.fix.eps);
    f.epd_deg = Trusted(set, TRACKERR_SET, d.fix.epd);
  }
  f.ept_s = Trusted(set, TIMERR_SET, d.fix.ept);
  return f;
}

// Two reports for one fix time. gpsd starts a new report cycle where it
// guesses the receiver's cycle ends, and may guess wrong, so a later report
// can lack fields an earlier one had (altitude from GGA when RMC comes last):
// the later report's known values win, its unknown ones keep the earlier
// values. The receipt time stays that of the first report (closest to the fix).
GpsFix MergeReports(const GpsFix& earlier, const GpsFix& later) {
  GpsFix m = later;
  if (m.mode == FixMode::kNone && earlier.mode != FixMode::kNone && later.has_position()) m.mode = earlier.mode;
  auto keep = [](double& v, double old) { if (!std::isfinite(v)) v = old; };
  if (m.mode != FixMode::kNone) {
    if (!m.has_position() && earlier.has_position()) {
      m.lat_deg = earlier.lat_deg;
      m.lon_deg = earlier.lon_deg;
    }
    if (m.mode == FixMode::k3D) {
      keep(m.alt_hae_m, earlier.alt_hae_m);
      keep(m.alt_msl_m, earlier.alt_msl_m);
      keep(m.climb_mps, earlier.climb_mps);
      keep(m.epv_m, earlier.epv_m);
    }
    keep(m.speed_mps, earlier.speed_mps);
    keep(m.track_deg, earlier.track_deg);
    keep(m.eph_m, earlier.eph_m);
    keep(m.eps_mps, earlier.eps_mps);
    keep(m.epd_deg, earlier.epd_deg);
  }
  keep(m.ept_s, earlier.ept_s);
  m.received_mono_ms = earlier.received_mono_ms;
  m.received_utc_ms = earlier.received_utc_ms;
  return m;
}

}  // namespace

bool GpsFix::has_position() const {
  return mode != FixMode::kNone && std::isfinite(lat_deg) && std::isfinite(lon_deg);
}

const char* GpsStateName(GpsState state) {
  switch (state) {
    case GpsState::kNoGpsd: return "no gpsd";
    case GpsState::kNoFix: return "no fix";
    case GpsState::kStaleFix: return "stale fix";
    case GpsState::kOk: return "ok";
  }
  return "unknown";
}

Result<GpsOptions> ParseGpsdAddress(const std::string& text, GpsOptions base) {
  std::string host = text;
  std::string port;
  if (!text.empty() && text[0] == '[') {  // [v6]:port
    const size_t close = text.find(']');
    if (close == std::string::npos) return InvalidArgument("gpsd address '" + text + "': missing ']'");
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return InvalidArgument("gpsd address '" + text + "': expected ':' after ']'");
      port = text.substr(close + 2);
    }
  } else if (const size_t colon = text.rfind(':'); colon != std::string::npos) {
    if (text.find(':') != colon) return InvalidArgument("gpsd address '" + text + "': write IPv6 as [addr]:port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.empty()) return InvalidArgument("gpsd address '" + text + "': empty port");
  }
  if (!port.empty()) {
    const bool digits = port.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || port.size() > 5 || std::stoi(port) < 1 || std::stoi(port) > 65535) {
      return InvalidArgument("gpsd address '" + text + "': port must be 1-65535");
    }
    base.port = port;
  }
  if (!host.empty()) base.host = host;
  return base;
}

GpsClient::GpsClient(GpsOptions options) : options_(std::move(options)) {}

GpsClient::~GpsClient() { Stop(); }

Status GpsClient::Start(FixListener listener) {
  if (thread_.joinable()) return Status(StatusCode::kAlreadyExists, "GPS client already started");
  listener_ = std::move(listener);
  stop_ = false;
  {
    MutexLock lock(&mu_);
    message_ = "gpsd at " + options_.host + ":" + options_.port + ": connecting";
  }
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void GpsClient::Stop() {
  stop_ = true;
  cv_.NotifyAll();
  if (thread_.joinable()) thread_.join();
}

void GpsClient::SetDisconnected(const std::string& why) {
  MutexLock lock(&mu_);
  if (connected_) {
    ++outages_;
    lost_at_mono_ms_ = MonotonicNowMs();
    spdlog::warn("{}", why);
  }
  connected_ = false;
  message_ = why;
}

void GpsClient::Run() {
  Backoff backoff(options_.reconnect_initial_ms, options_.reconnect_max_ms);
  const std::string where = "gpsd at " + options_.host + ":" + options_.port;
  while (!stop_) {
    gps_data_t data{};
    if (gps_open(options_.host.c_str(), options_.port.c_str(), &data) != 0) {
      SetDisconnected(where + ": " + gps_errstr(errno));
      MutexLock lock(&mu_);
      cv_.WaitFor(&mu_, std::chrono::milliseconds(backoff.NextDelayMs()), [this] { return stop_.load(); });
      continue;
    }
    if (gps_stream(&data, WATCH_ENABLE | WATCH_JSON, nullptr) != 0) {
      SetDisconnected(where + ": could not start the watch: " + gps_errstr(errno));
      gps_close(&data);
      MutexLock lock(&mu_);
      cv_.WaitFor(&mu_, std::chrono::milliseconds(backoff.NextDelayMs()), [this] { return stop_.load(); });
      continue;
    }
    {
      MutexLock lock(&mu_);
      connected_ = true;
      ++connects_;
      if (lost_at_mono_ms_ != 0) {
        last_outage_ms_ = MonotonicNowMs() - lost_at_mono_ms_;
        spdlog::info("{}: reconnected after {} ms", where, last_outage_ms_);
        lost_at_mono_ms_ = 0;
      }
      message_ = where + ": connected";
      last_report_mono_ms_ = 0;
    }
    backoff.Reset();

    // gpsd caps a JSON report at 4096 bytes (GPS_JSON_RESPONSE_MAX, not in
    // the installed headers); libgps truncates anything longer.
    char message[4096 + 1];
    while (!stop_) {
      if (!gps_waiting(&data, kWaitSliceUs)) {
        FlushPending(false);
        continue;
      }
      errno = 0;
      const int n = gps_read(&data, message, int(sizeof(message)));
      if (n < 0) {
        const int err = errno;
        FlushPending(true);
        SetDisconnected(where + ": connection lost" + (err != 0 ? std::string(" (") + std::strerror(err) + ")" : ""));
        break;
      }
      if (n == 0 || std::strstr(message, "\"class\":\"TPV\"") == nullptr) continue;
      GpsFix fix = FixFromGpsData(data);
      fix.received_mono_ms = MonotonicNowMs();
      fix.received_utc_ms = SystemUtcNowMs();
      OnReport(fix);
    }
    gps_close(&data);
  }
  FlushPending(true);
  MutexLock lock(&mu_);
  connected_ = false;
  message_ = where + ": stopped";
}

void GpsClient::OnReport(const GpsFix& fix) {
  std::optional<GpsFix> completed;
  std::optional<GpsFix> untimed;
  {
    MutexLock lock(&mu_);
    last_report_mono_ms_ = fix.received_mono_ms;
    last_report_mode_ = fix.mode;
    if (!fix.time_utc_ms) {
      // No time: nothing to put in the history. Receivers send these while
      // they have no fix (the listener hears that once a second) and gpsd
      // sends partial ones mid-epoch, which are ignored: the timed reports of
      // the same epoch carry the same data.
      if (fix.mode == FixMode::kNone &&
          fix.received_mono_ms - last_nofix_emit_mono_ms_ >= kNoFixEmitIntervalMs) {
        last_nofix_emit_mono_ms_ = fix.received_mono_ms;
        untimed = fix;
      }
    } else if (pending_ && pending_->time_utc_ms == fix.time_utc_ms) {
      // A later report for the same fix time supersedes the earlier one
      // field by field (see MergeReports).
      GpsFix merged = MergeReports(*pending_, fix);
      pending_ = merged;
      if (!history_.empty()) history_.back() = merged;
    } else {
      if (pending_) {
        completed = pending_;
        ++fixes_received_;
      }
      pending_ = fix;
      history_.push_back(fix);
      while (history_.size() > options_.history_size) history_.pop_front();
      offsets_ms_.push_back(*fix.time_utc_ms - fix.received_utc_ms);
      while (offsets_ms_.size() > kOffsetWindow) offsets_ms_.pop_front();
    }
    if (pending_ && pending_->has_position()) last_fix_ = pending_;
  }
  cv_.NotifyAll();
  if (listener_) {
    if (completed) listener_(*completed);
    if (untimed) listener_(*untimed);
  }
}

void GpsClient::FlushPending(bool force) {
  std::optional<GpsFix> completed;
  {
    MutexLock lock(&mu_);
    if (!pending_) return;
    if (!force && MonotonicNowMs() - last_report_mono_ms_ < options_.fix_settle_ms) return;
    completed = pending_;
    pending_.reset();
    ++fixes_received_;
  }
  cv_.NotifyAll();
  if (listener_) listener_(*completed);
}

GpsStatus GpsClient::status() const {
  MutexLock lock(&mu_);
  GpsStatus s;
  const int64_t now = MonotonicNowMs();
  s.message = message_;
  s.connects = connects_;
  s.outages = outages_;
  s.last_outage_ms = last_outage_ms_;
  s.fixes_received = fixes_received_;
  if (last_fix_) s.last_fix_age_ms = now - last_fix_->received_mono_ms;
  if (!offsets_ms_.empty()) {
    int64_t best = offsets_ms_.front();
    for (int64_t o : offsets_ms_) best = std::max(best, o);
    s.gps_minus_system_ms = best;
  }
  if (!connected_) {
    s.state = GpsState::kNoGpsd;
    if (lost_at_mono_ms_ != 0) s.message += " (down for " + std::to_string(now - lost_at_mono_ms_) + " ms)";
  } else if (last_report_mono_ms_ == 0) {
    s.state = last_fix_ ? GpsState::kStaleFix : GpsState::kNoFix;
    s.message = "gpsd at " + options_.host + ":" + options_.port + ": connected, no report from a receiver yet";
  } else if (last_report_mode_ == FixMode::kNone) {
    s.state = GpsState::kNoFix;
    s.message = "receiver has no fix";
  } else if (last_fix_ && s.last_fix_age_ms <= options_.stale_after_ms) {
    s.state = GpsState::kOk;
    s.message = last_fix_->mode == FixMode::k3D ? "3D fix" : "2D fix";
  } else if (last_fix_) {
    s.state = GpsState::kStaleFix;
    s.message = "last position " + std::to_string(s.last_fix_age_ms / 1000) + " s old";
  } else {
    s.state = GpsState::kNoFix;
    s.message = "receiver reports no position";
  }
  return s;
}

std::optional<GpsFix> GpsClient::LastFix() const {
  MutexLock lock(&mu_);
  return last_fix_;
}

std::vector<GpsFix> GpsClient::History() const {
  MutexLock lock(&mu_);
  return {history_.begin(), history_.end()};
}

std::optional<int64_t> GpsClient::ClockOffsetMs() const { return status().gps_minus_system_ms; }

int64_t GpsClient::WaitForFixes(int64_t after, int64_t timeout_ms) const {
  MutexLock lock(&mu_);
  cv_.WaitFor(&mu_, std::chrono::milliseconds(timeout_ms), [&]() ANPR_REQUIRES(mu_) { return fixes_received_ > after; });
  return fixes_received_;
}

}  // namespace anpr
