// The codec of POST /hits: one hit as a JSON object, and batches of them.
#include <array>
#include <string>

#include "sync/protocol.h"
#include "sync/src/json_fields.h"

namespace anpr::sync {

using namespace detail;

namespace {

Hit HitFromJson(const json& e, const std::string& w) {
  Hit h;
  h.uuid = Uuid(e, "uuid", w);
  h.read_uuid = Uuid(e, "read_uuid", w);
  h.list_name = Str(e, "list_name", w, true, kMaxWireListName);
  h.entry_vrm = Str(e, "entry_vrm", w, true, 16);
  Priority p;
  if (!ParsePriority(Str(e, "priority", w, true, 16), &p)) Fail(w + ".priority", "not high/medium/low");
  h.priority = p;
  std::string m = Str(e, "match", w, false, 16);
  if (m.empty() || m == "exact") h.match = MatchKind::kExact;
  else if (m == "similar") h.match = MatchKind::kSimilar;
  else Fail(w + ".match", "not exact/similar");
  h.covert = Bool(e, "covert", w);
  h.late = Bool(e, "late", w);
  h.reason = Str(e, "reason", w, false);
  h.warning_markers = Str(e, "warning_markers", w, false);
  h.information = Str(e, "information", w, false);
  h.make = Str(e, "make", w, false, kMaxShortText);
  h.model = Str(e, "model", w, false, kMaxShortText);
  h.colour = Str(e, "colour", w, false, kMaxShortText);
  h.raised_at_utc_ms = Int(e, "raised_at_utc_ms", w, true);
  std::string o = Str(e, "outcome", w, false, 16);
  static const std::array<HitOutcome, 5> kAll = {HitOutcome::kPending, HitOutcome::kConfirmed,
                                                 HitOutcome::kMisread, HitOutcome::kNotSeen,
                                                 HitOutcome::kNotActioned};
  bool found = o.empty();
  for (auto k : kAll) {
    if (o == HitOutcomeName(k)) {
      h.outcome = k;
      found = true;
    }
  }
  if (!found) Fail(w + ".outcome", "unknown outcome");
  h.outcome_by = Str(e, "outcome_by", w, false, kMaxId);
  h.outcome_at_utc_ms = Int(e, "outcome_at_utc_ms", w, false, 0);
  h.outcome_note = Str(e, "outcome_note", w, false);
  return h;
}

json HitToJson(const Hit& h) {
  return {{"uuid", h.uuid},
          {"read_uuid", h.read_uuid},
          {"list_name", h.list_name},
          {"entry_vrm", h.entry_vrm},
          {"priority", PriorityName(h.priority)},
          {"match", MatchKindName(h.match)},
          {"covert", h.covert},
          {"late", h.late},
          {"reason", h.reason},
          {"warning_markers", h.warning_markers},
          {"information", h.information},
          {"make", h.make},
          {"model", h.model},
          {"colour", h.colour},
          {"raised_at_utc_ms", h.raised_at_utc_ms},
          {"outcome", HitOutcomeName(h.outcome)},
          {"outcome_by", h.outcome_by},
          {"outcome_at_utc_ms", h.outcome_at_utc_ms},
          {"outcome_note", h.outcome_note}};
}

}  // namespace

std::string EncodeHit(const Hit& hit) {
  return HitToJson(hit).dump(-1, ' ', false, json::error_handler_t::replace);
}
Result<Hit> ParseHit(std::string_view text) { return ParseOne<Hit>(text, "hit", HitFromJson); }

std::string EncodeHits(const std::vector<Hit>& hits) {
  json arr = json::array();
  for (const auto& h : hits) arr.push_back(HitToJson(h));
  return json{{"hits", std::move(arr)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<Hit>> ParseHits(std::string_view body) {
  return ParseBatch<Hit>(body, "hits", HitFromJson);
}

}  // namespace anpr::sync
