// The codec of POST /audit: batches of the car's audit entries.
#include <string>

#include "sync/protocol.h"
#include "sync/src/json_fields.h"

namespace anpr::sync {

using namespace detail;

namespace {

WireAuditEntry AuditFromJson(const json& e, const std::string& w) {
  WireAuditEntry a;
  a.uuid = Uuid(e, "uuid", w);
  a.at_utc_ms = Int(e, "at_utc_ms", w, true);
  a.unit_id = Str(e, "unit_id", w, false, kMaxId);
  a.actor = Str(e, "actor", w, true, kMaxId);
  a.action = Str(e, "action", w, true, kMaxId);
  a.detail = Str(e, "detail", w, false);
  return a;
}

}  // namespace

std::string EncodeAudit(const std::vector<WireAuditEntry>& entries) {
  json arr = json::array();
  for (const auto& a : entries)
    arr.push_back({{"uuid", a.uuid},
                   {"at_utc_ms", a.at_utc_ms},
                   {"unit_id", a.unit_id},
                   {"actor", a.actor},
                   {"action", a.action},
                   {"detail", a.detail}});
  return json{{"audit", std::move(arr)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<WireAuditEntry>> ParseAudit(std::string_view body) {
  return ParseBatch<WireAuditEntry>(body, "audit", AuditFromJson);
}

}  // namespace anpr::sync
