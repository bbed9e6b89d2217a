// The codec of POST /heartbeat and the rule of what in a heartbeat is faulty.
#include <cmath>
#include <cstdlib>
#include <string>

#include "sync/heartbeat.h"
#include "sync/src/json_fields.h"

namespace anpr::sync {

using namespace detail;

namespace {

// Limits of what a car may report: a handful of cameras, sane figures.
constexpr std::size_t kMaxCameras = 16;
// Thresholds of a faulty item. A fix older than this is as good as none for
// tagging reads; a clock this far off GPS misdates evidence; a disk this
// full will soon refuse reads.
constexpr int64_t kStaleFixMs = 10'000;
constexpr int64_t kClockOffsetFaultMs = 1'000;
constexpr int kDiskFullPercent = 90;

std::optional<int64_t> OptInt(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  return Int(obj, key, where, true);
}

json OrNull(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

Heartbeat FromJson(const json& e, const std::string& w) {
  Heartbeat hb;
  hb.unit_id = Str(e, "unit_id", w, true, kMaxId);
  if (hb.unit_id.empty()) Fail(w + ".unit_id", "empty");
  hb.sent_at_utc_ms = Int(e, "sent_at_utc_ms", w, true);
  hb.software_version = Str(e, "software_version", w, false, kMaxShortText);
  hb.running = Bool(e, "running", w);
  const json& cams = Field(e, "cameras", w);
  if (!cams.is_array() || cams.size() > kMaxCameras) Fail(w + ".cameras", "not an array of at most 16 cameras");
  for (std::size_t i = 0; i < cams.size(); ++i) {
    const std::string cw = w + ".cameras[" + std::to_string(i) + "]";
    if (!cams[i].is_object()) Fail(cw, "not an object");
    hb.cameras.push_back({Str(cams[i], "id", cw, true, kMaxId), Str(cams[i], "state", cw, true, kMaxShortText)});
  }
  hb.gps_fix = Str(e, "gps_fix", w, true, 8);
  if (hb.gps_fix != "none" && hb.gps_fix != "2d" && hb.gps_fix != "3d") Fail(w + ".gps_fix", "not none/2d/3d");
  hb.gps_fix_age_ms = OptInt(e, "gps_fix_age_ms", w);
  hb.clock_offset_ms = OptInt(e, "clock_offset_ms", w);
  hb.disk_used_bytes = OptInt(e, "disk_used_bytes", w);
  hb.disk_total_bytes = OptInt(e, "disk_total_bytes", w);
  hb.hotlist_version = Int(e, "hotlist_version", w, false);
  hb.last_sync_utc_ms = OptInt(e, "last_sync_utc_ms", w);
  hb.unsynced_reads = Int(e, "unsynced_reads", w, false);
  hb.unsynced_hits = Int(e, "unsynced_hits", w, false);
  hb.unsynced_audit = Int(e, "unsynced_audit", w, false);
  hb.last_fault = Str(e, "last_fault", w, false);
  for (auto v : {hb.gps_fix_age_ms, hb.disk_used_bytes, hb.disk_total_bytes})
    if (v && *v < 0) Fail(w, "a negative age or size");
  if (hb.unsynced_reads < 0 || hb.unsynced_hits < 0 || hb.unsynced_audit < 0) Fail(w, "a negative count");
  return hb;
}

}  // namespace

std::string EncodeHeartbeat(const Heartbeat& hb) {
  json cams = json::array();
  for (const auto& c : hb.cameras) cams.push_back({{"id", c.id}, {"state", c.state}});
  return json{{"unit_id", hb.unit_id},
              {"sent_at_utc_ms", hb.sent_at_utc_ms},
              {"software_version", hb.software_version},
              {"running", hb.running},
              {"cameras", std::move(cams)},
              {"gps_fix", hb.gps_fix},
              {"gps_fix_age_ms", OrNull(hb.gps_fix_age_ms)},
              {"clock_offset_ms", OrNull(hb.clock_offset_ms)},
              {"disk_used_bytes", OrNull(hb.disk_used_bytes)},
              {"disk_total_bytes", OrNull(hb.disk_total_bytes)},
              {"hotlist_version", hb.hotlist_version},
              {"last_sync_utc_ms", OrNull(hb.last_sync_utc_ms)},
              {"unsynced_reads", hb.unsynced_reads},
              {"unsynced_hits", hb.unsynced_hits},
              {"unsynced_audit", hb.unsynced_audit},
              {"last_fault", hb.last_fault}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Heartbeat> ParseHeartbeat(std::string_view body) {
  json doc;
  if (!ParseJson(body, &doc) || !doc.is_object()) return InvalidArgument("heartbeat is not a JSON object");
  try {
    return FromJson(doc, "heartbeat");
  } catch (const std::exception& e) {
    return InvalidArgument(e.what());
  }
}

std::vector<std::string> HeartbeatFaults(const Heartbeat& hb) {
  std::vector<std::string> out;
  if (hb.cameras.empty()) out.push_back("no camera");
  for (const auto& c : hb.cameras)
    if (c.state != "running") out.push_back("camera " + c.id + ": " + c.state);
  if (hb.gps_fix == "none")
    out.push_back("no GPS fix");
  else if (hb.gps_fix_age_ms && *hb.gps_fix_age_ms > kStaleFixMs)
    out.push_back("GPS fix " + std::to_string(*hb.gps_fix_age_ms / 1000) + " s old");
  if (hb.clock_offset_ms && std::llabs(*hb.clock_offset_ms) > kClockOffsetFaultMs) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "clock off GPS by %.1f s", static_cast<double>(*hb.clock_offset_ms) / 1000.0);
    out.push_back(buf);
  }
  if (hb.disk_used_bytes && hb.disk_total_bytes && *hb.disk_total_bytes > 0) {
    const int64_t pct = *hb.disk_used_bytes * 100 / *hb.disk_total_bytes;
    if (pct >= kDiskFullPercent) out.push_back("disk " + std::to_string(pct) + "% full");
  }
  return out;
}

}  // namespace anpr::sync
