// The car's heartbeat: what a connected car tells the depot every minute,
// even with nothing to sync, so the station sees a dead camera, a lost GPS
// fix, a drifting clock, a full disk or an old hotlist before it matters.
//
//   POST /api/v1/heartbeat  Heartbeat (JSON object)  -> {"status":"ok"}
//
// The depot keeps each vehicle's newest heartbeat and a bounded history
// (sync/console_store.h); the console's Fleet page shows them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vehicle/records/status.h"

namespace anpr::sync {

// One camera as the unit sees it. `state` is "running" when frames arrive,
// anything else ("no frames", "open failed: ...") is a fault.
struct CameraHealth {
  std::string id;
  std::string state;
};

struct Heartbeat {
  std::string unit_id;  // must be the sending vehicle's own id
  int64_t sent_at_utc_ms = 0;
  std::string software_version;
  // The unit's capture pipeline is running (false while it starts or stops):
  // silence after a heartbeat that said running is a fault.
  bool running = true;
  std::vector<CameraHealth> cameras;
  std::string gps_fix = "none";          // "none", "2d" or "3d"
  std::optional<int64_t> gps_fix_age_ms;  // age of the newest fix; none: never had one
  std::optional<int64_t> clock_offset_ms;  // system clock minus GPS time, when known
  std::optional<int64_t> disk_used_bytes;
  std::optional<int64_t> disk_total_bytes;
  int64_t hotlist_version = 0;  // the depot hotlist version the car holds
  std::optional<int64_t> last_sync_utc_ms;  // the car's last full sync pass
  int64_t unsynced_reads = 0, unsynced_hits = 0, unsynced_audit = 0;
  std::string last_fault;  // the newest fault the unit logged; empty: none
};

// JSON object of one heartbeat, and back. The parser refuses (kInvalidArgument
// naming the field) anything the encoder would not produce; it never throws.
std::string EncodeHeartbeat(const Heartbeat& hb);
Result<Heartbeat> ParseHeartbeat(std::string_view body);

// What in a heartbeat is faulty, each in words ("camera front: no frames",
// "no GPS fix", "GPS fix 45 s old", "clock off GPS by 2.5 s", "disk 93% full").
// Empty when all is well. The one rule the Fleet page and tests use.
std::vector<std::string> HeartbeatFaults(const Heartbeat& hb);

// A car is silent when its last heartbeat said it was running and none came
// for more than `silence_ms` (the console's default: 2 minutes).
inline constexpr int64_t kDefaultSilenceMs = 2 * 60 * 1000;
inline bool IsSilent(const Heartbeat& last, int64_t last_received_utc_ms, int64_t now_utc_ms, int64_t silence_ms) {
  return last.running && now_utc_ms - last_received_utc_ms > silence_ms;
}

}  // namespace anpr::sync
