// The codecs of the evidence endpoints: POST /holds (investigation holds
// placed in cars; the reason follows the one rule of
// vehicle/records/reason.h, as in the car) and POST /unit-key (the unit's
// export signing key).
#include <string>

#include "sync/protocol.h"
#include "sync/src/json_fields.h"
#include "vehicle/records/reason.h"

namespace anpr::sync {

using namespace detail;

namespace {

HoldEntry HoldFromJson(const json& e, const std::string& w) {
  HoldEntry x;
  x.uuid = Uuid(e, "uuid", w);
  x.unit_id = Str(e, "unit_id", w, false, kMaxId);
  x.vrm = Str(e, "vrm", w, true, 16);
  if (!IsNormalisedVrm(x.vrm)) Fail(w + ".vrm", "not a normalised VRM");
  x.reason = Str(e, "reason", w, true, limits::kMaxReasonBytes);
  if (Status s = ValidateReason(x.reason); !s.ok()) Fail(w + ".reason", s.message());
  x.placed_by = Str(e, "placed_by", w, true, kMaxId);
  x.placed_at_utc_ms = Int(e, "placed_at_utc_ms", w, true);
  x.until_utc_ms = Int(e, "until_utc_ms", w, true);
  if (x.until_utc_ms <= x.placed_at_utc_ms) Fail(w + ".until_utc_ms", "must be after placed_at_utc_ms");
  return x;
}

}  // namespace

std::string EncodeHolds(const std::vector<HoldEntry>& holds) {
  json arr = json::array();
  for (const auto& x : holds)
    arr.push_back({{"uuid", x.uuid},
                   {"unit_id", x.unit_id},
                   {"vrm", x.vrm},
                   {"reason", x.reason},
                   {"placed_by", x.placed_by},
                   {"placed_at_utc_ms", x.placed_at_utc_ms},
                   {"until_utc_ms", x.until_utc_ms}});
  return json{{"holds", std::move(arr)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<HoldEntry>> ParseHolds(std::string_view body) {
  return ParseBatch<HoldEntry>(body, "holds", HoldFromJson);
}

std::string EncodeSigningKey(const std::string& public_key_hex) {
  return json{{"public_key_ed25519", public_key_hex}}.dump();
}

Result<std::string> ParseSigningKey(std::string_view body) {
  json doc;
  if (!ParseJson(body, &doc) || !doc.is_object()) return InvalidArgument("body is not a JSON object");
  auto it = doc.find("public_key_ed25519");
  if (it == doc.end() || !it->is_string()) return InvalidArgument("public_key_ed25519: missing");
  const std::string key = it->get<std::string>();
  bool hex = key.size() == 64;
  for (char c : key) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!hex) return InvalidArgument("public_key_ed25519: not 64 lower-case hex characters");
  return key;
}

}  // namespace anpr::sync
