// GPS fixes from gpsd, through libgps. A GpsClient owns one thread that
// connects to gpsd, watches its JSON reports, keeps a short history of fixes
// and reconnects with backoff when gpsd is missing or restarts. Everyone
// else reads copies: the latest fix, the history (for tagging), the state.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "vehicle/records/read.h"  // FixMode
#include "vehicle/records/status.h"
#include "vehicle/records/mutex.h"

namespace anpr {

// One fix: the last report gpsd sent for one fix time (gpsd sends several per
// receiver epoch, one per NMEA sentence; later ones carry more fields).
// A field is NaN unless gpsd marked it set and it was finite.
struct GpsFix {
  static constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();

  // gpsd's fix mode (its "no fix" and "not seen" both map to kNone).
  FixMode mode = FixMode::kNone;
  std::optional<int64_t> time_utc_ms;  // the receiver's time of the fix
  double lat_deg = kUnknown;
  double lon_deg = kUnknown;
  double alt_hae_m = kUnknown;  // height above the WGS84 ellipsoid
  double alt_msl_m = kUnknown;  // height above mean sea level
  double speed_mps = kUnknown;  // over ground
  double track_deg = kUnknown;  // course over ground, from true north
  double climb_mps = kUnknown;
  // gpsd's error estimates (95% confidence).
  double eph_m = kUnknown;      // horizontal position
  double epv_m = kUnknown;      // vertical position
  double eps_mps = kUnknown;    // speed
  double epd_deg = kUnknown;    // track
  double ept_s = kUnknown;      // time
  // When this process received the first report for this fix time.
  int64_t received_mono_ms = 0;
  int64_t received_utc_ms = 0;  // system clock

  bool has_position() const;  // mode 2D/3D and finite lat/lon
};

// What the screen shows for GPS.
enum class GpsState {
  kNoGpsd,    // cannot reach gpsd (not running, restarting, wrong host:port)
  kNoFix,     // gpsd is there, the receiver has no position
  kStaleFix,  // the last position is older than stale_after_ms
  kOk,
};
// "no gpsd", "no fix", "stale fix", "ok".
const char* GpsStateName(GpsState state);

struct GpsStatus {
  GpsState state = GpsState::kNoGpsd;
  std::string message;  // in words, e.g. "gpsd at localhost:2947: Connection refused"
  // Age of the newest position-bearing fix, by receipt; -1 when none yet.
  int64_t last_fix_age_ms = -1;
  int connects = 0;       // successful connections so far
  int outages = 0;        // times an established connection was lost
  int64_t last_outage_ms = 0;  // how long the last lost connection stayed down
  int64_t fixes_received = 0;
  // GPS time minus system time, best recent estimate; nullopt until a timed
  // fix was seen. See GpsClient::ClockOffsetMs.
  std::optional<int64_t> gps_minus_system_ms;
};

struct GpsOptions {
  std::string host = "localhost";
  std::string port = "2947";
  size_t history_size = 600;        // fixes kept (10 min at 1 Hz)
  int64_t stale_after_ms = 3000;    // older position: "stale fix"
  int64_t reconnect_initial_ms = 250;
  int64_t reconnect_max_ms = 10000;
  // A fix time is complete when a report for a later time arrives, or after
  // this long without another report for it.
  int64_t fix_settle_ms = 700;
};

// Parses "HOST:PORT", "HOST" (default port) or ":PORT"; "[::1]:2947" for IPv6.
Result<GpsOptions> ParseGpsdAddress(const std::string& text, GpsOptions base = {});

// Thread-safe: every public member may be called from any thread.
class GpsClient {
 public:
  // Called on the client's thread for each completed fix (and each no-fix
  // report, at most once a second). Must be quick and must not call Stop().
  using FixListener = std::function<void(const GpsFix&)>;

  explicit GpsClient(GpsOptions options);
  ~GpsClient();  // stops the thread
  GpsClient(const GpsClient&) = delete;
  GpsClient& operator=(const GpsClient&) = delete;

  // Starts the thread; returns at once (gpsd may still be unreachable: see
  // status()). Calling Start twice is an error.
  Status Start(FixListener listener = nullptr);
  // Closes the connection and joins the thread within ~0.3 s. Idempotent.
  void Stop();

  GpsStatus status() const;
  // The newest fix with a position (mode 2D/3D), if any.
  std::optional<GpsFix> LastFix() const;
  // Fixes with a time, oldest first (complete ones and the one being filled).
  std::vector<GpsFix> History() const;
  // GPS time minus system time: the largest (time - received_utc) over the
  // last 16 fixes. Reports lag the fix, so the largest difference is the one
  // least inflated by serial and gpsd latency; still an upper bound on the
  // lag (typically 50-500 ms behind the true offset).
  std::optional<int64_t> ClockOffsetMs() const;

  // Waits until fixes_received exceeds `after` or timeout_ms passes; returns
  // the new count. For tools and tests.
  int64_t WaitForFixes(int64_t after, int64_t timeout_ms) const;

 private:
  void Run();
  void OnReport(const GpsFix& fix);
  void FlushPending(bool force);
  void SetDisconnected(const std::string& why);

  const GpsOptions options_;
  FixListener listener_;
  std::thread thread_;
  std::atomic<bool> stop_{false};

  mutable Mutex mu_;  // guards everything below
  mutable CondVar cv_;
  bool connected_ ANPR_GUARDED_BY(mu_) = false;
  std::string message_ ANPR_GUARDED_BY(mu_);
  int connects_ ANPR_GUARDED_BY(mu_) = 0;
  int outages_ ANPR_GUARDED_BY(mu_) = 0;
  int64_t lost_at_mono_ms_ ANPR_GUARDED_BY(mu_) = 0;
  int64_t last_outage_ms_ ANPR_GUARDED_BY(mu_) = 0;
  int64_t fixes_received_ ANPR_GUARDED_BY(mu_) = 0;
  int64_t last_report_mono_ms_ ANPR_GUARDED_BY(mu_) = 0;  // any TPV
  int64_t last_nofix_emit_mono_ms_ ANPR_GUARDED_BY(mu_) = 0;
  FixMode last_report_mode_ ANPR_GUARDED_BY(mu_) = FixMode::kNone;
  std::deque<GpsFix> history_ ANPR_GUARDED_BY(mu_);
  std::optional<GpsFix> pending_ ANPR_GUARDED_BY(mu_);    // the fix time still being filled
  std::optional<GpsFix> last_fix_ ANPR_GUARDED_BY(mu_);   // newest with a position
  std::deque<int64_t> offsets_ms_ ANPR_GUARDED_BY(mu_);   // time - received_utc of recent fixes
};

}  // namespace anpr
