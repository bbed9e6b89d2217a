// The codec of POST /wanted: batches of the plates officers entered in cars.
#include <string>

#include "sync/protocol.h"
#include "sync/src/json_fields.h"

namespace anpr::sync {

using namespace detail;

namespace {

WantedEntry WantedFromJson(const json& e, const std::string& w) {
  WantedEntry x;
  x.uuid = Uuid(e, "uuid", w);
  x.unit_id = Str(e, "unit_id", w, false, kMaxId);
  x.list_name = Str(e, "list_name", w, true, kMaxWireListName);
  x.vrm = Str(e, "vrm", w, true, 16);
  if (!IsNormalisedVrm(x.vrm)) Fail(w + ".vrm", "not a normalised VRM");
  if (!ParsePriority(Str(e, "priority", w, true, 16), &x.priority)) Fail(w + ".priority", "not high/medium/low");
  x.reason = Str(e, "reason", w, true);
  if (x.reason.empty()) Fail(w + ".reason", "a wanted plate needs a reason");
  x.warning_markers = Str(e, "warning_markers", w, false);
  x.information = Str(e, "information", w, false);
  x.valid_until_utc_ms = Int(e, "valid_until_utc_ms", w, true);
  x.entered_by = Str(e, "entered_by", w, true, kMaxId);
  x.entered_at_utc_ms = Int(e, "entered_at_utc_ms", w, true);
  // The law caps an officer's entry at 100 days; the depot holds it to that.
  constexpr int64_t kMaxWantedMs = 100LL * 24 * 3600 * 1000;
  if (x.valid_until_utc_ms <= x.entered_at_utc_ms || x.valid_until_utc_ms - x.entered_at_utc_ms > kMaxWantedMs)
    Fail(w + ".valid_until_utc_ms", "must be after entry and at most 100 days later");
  return x;
}

}  // namespace

std::string EncodeWanted(const std::vector<WantedEntry>& entries) {
  json arr = json::array();
  for (const auto& x : entries)
    arr.push_back({{"uuid", x.uuid},
                   {"unit_id", x.unit_id},
                   {"list_name", x.list_name},
                   {"vrm", x.vrm},
                   {"priority", PriorityName(x.priority)},
                   {"reason", x.reason},
                   {"warning_markers", x.warning_markers},
                   {"information", x.information},
                   {"valid_until_utc_ms", x.valid_until_utc_ms},
                   {"entered_by", x.entered_by},
                   {"entered_at_utc_ms", x.entered_at_utc_ms}});
  return json{{"wanted", std::move(arr)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<WantedEntry>> ParseWanted(std::string_view body) {
  return ParseBatch<WantedEntry>(body, "wanted", WantedFromJson);
}

}  // namespace anpr::sync
