// The codec of GET /hotlists?since=N: the lists changed after a version.
#include <string>

#include "sync/protocol.h"
#include "sync/src/json_fields.h"

namespace anpr::sync {

using namespace detail;

namespace {

json HotlistEntryToJson(const WireHotlistEntry& h) {
  return {{"vrm", h.vrm},
          {"priority", PriorityName(h.priority)},
          {"reason", h.reason},
          {"warning_markers", h.warning_markers},
          {"information", h.information},
          {"make", h.make},
          {"model", h.model},
          {"colour", h.colour},
          {"valid_until", h.valid_until}};
}

WireHotlistEntry HotlistEntryFromJson(const json& e, const std::string& w) {
  WireHotlistEntry h;
  h.vrm = Str(e, "vrm", w, true, 16);
  if (!IsNormalisedVrm(h.vrm)) Fail(w + ".vrm", "not a normalised VRM");
  if (!ParsePriority(Str(e, "priority", w, true, 16), &h.priority))
    Fail(w + ".priority", "not high/medium/low");
  h.reason = Str(e, "reason", w, true);
  h.warning_markers = Str(e, "warning_markers", w, false);
  h.information = Str(e, "information", w, false);
  h.make = Str(e, "make", w, false, kMaxShortText);
  h.model = Str(e, "model", w, false, kMaxShortText);
  h.colour = Str(e, "colour", w, false, kMaxShortText);
  h.valid_until = Str(e, "valid_until", w, false, kMaxShortText);
  return h;
}

}  // namespace

std::string EncodeHotlistUpdate(const HotlistUpdate& u) {
  json lists = json::array();
  for (const auto& d : u.lists) {
    json added = json::array();
    for (const auto& e : d.added) added.push_back(HotlistEntryToJson(e));
    lists.push_back({{"list", d.list_name},
                     {"from_version", d.from_version},
                     {"to_version", d.to_version},
                     {"full", d.full},
                     {"added", std::move(added)},
                     {"removed", d.removed_vrms}});
  }
  return json{{"latest_version", u.latest_version}, {"lists", std::move(lists)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<HotlistUpdate> ParseHotlistUpdate(std::string_view body) {
  json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return InvalidArgument("hotlist answer is not a JSON object");
  HotlistUpdate u;
  try {
    u.latest_version = Int(doc, "latest_version", "hotlists", true);
    const json& lists = Field(doc, "lists", "hotlists");
    if (!lists.is_array()) Fail("hotlists.lists", "not an array");
    for (std::size_t i = 0; i < lists.size(); ++i) {
      const json& l = lists[i];
      std::string w = "lists[" + std::to_string(i) + "]";
      if (!l.is_object()) Fail(w, "not an object");
      HotlistDelta d;
      d.list_name = Str(l, "list", w, true, kMaxWireListName);
      d.from_version = Int(l, "from_version", w, true);
      d.to_version = Int(l, "to_version", w, true);
      d.full = Bool(l, "full", w);
      const json& added = Field(l, "added", w);
      if (!added.is_array()) Fail(w + ".added", "not an array");
      for (std::size_t k = 0; k < added.size(); ++k) {
        std::string ew = w + ".added[" + std::to_string(k) + "]";
        if (!added[k].is_object()) Fail(ew, "not an object");
        d.added.push_back(HotlistEntryFromJson(added[k], ew));
      }
      const json& removed = Field(l, "removed", w);
      if (!removed.is_array()) Fail(w + ".removed", "not an array");
      for (const auto& r : removed) {
        if (!r.is_string() || !IsNormalisedVrm(r.get_ref<const std::string&>()))
          Fail(w + ".removed", "not a VRM");
        d.removed_vrms.push_back(r.get<std::string>());
      }
      u.lists.push_back(std::move(d));
    }
  } catch (const std::exception& e) {
    return InvalidArgument(e.what());
  }
  return u;
}

}  // namespace anpr::sync
