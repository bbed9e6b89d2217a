// Any bytes as "a read's text, a newline, then a hotlist CSV": the path the
// unit takes from a list file to a hit an officer sees (parse, index, match,
// show as JSON). It must never crash or hang, and:
//  - every entry the parser accepts is found again, exactly, by its own VRM;
//  - every hit names an accepted entry, within the list's substitutions;
//  - every accepted field is valid UTF-8 (strict JSON serialisation, which
//    throws on anything else, succeeds), since the screen and the depot
//    refuse anything else.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "vehicle/hotlists/matcher.h"
#include "vehicle/records/hotlist.h"

namespace {

// Entries checked one by one: enough to cover any list the fuzzer makes,
// bounded so one input stays fast.
constexpr std::size_t kMaxEntriesChecked = 200;

void ShowAsJson(const anpr::MatchResult& m, const anpr::HotlistEntry& e) {
  const nlohmann::json j = {{"list", m.list_name},        {"entry_vrm", m.entry_vrm},
                            {"matched_reading", m.matched_reading},
                            {"reason", e.reason},          {"warning_markers", e.warning_markers},
                            {"information", e.information}, {"make", e.make},
                            {"model", e.model},            {"colour", e.colour}};
  (void)j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);  // throws on invalid UTF-8
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = in.find('\n');
  if (nl == std::string_view::npos) return 0;
  const std::string_view read_text = in.substr(0, nl);
  auto parsed = anpr::ParseHotlistCsv(in.substr(nl + 1), "fuzz.csv");
  if (!parsed.ok()) return 0;  // the CSV fuzzer checks the errors themselves

  anpr::HotlistMeta meta;
  meta.name = "fuzz";
  meta.max_substitutions = static_cast<int>(size % 3);
  anpr::Matcher matcher;
  matcher.SetList(anpr::ListIndex::Build(meta, *parsed));
  std::set<std::string> accepted;
  for (const anpr::HotlistEntry& e : *parsed) accepted.insert(e.vrm);

  try {
    // now = 0: no entry has expired yet.
    std::size_t checked = 0;
    for (const anpr::HotlistEntry& e : *parsed) {
      if (++checked > kMaxEntriesChecked) break;
      bool found_exact = false;
      for (const anpr::MatchResult& m : matcher.MatchVrm(e.vrm, {}, 0)) {
        found_exact |= m.entry_vrm == e.vrm && m.kind == anpr::MatchKind::kExact;
        ShowAsJson(m, e);
      }
      if (!found_exact) std::abort();  // a listed vehicle the unit would never alert on
    }
    for (const anpr::MatchResult& m : matcher.MatchVrm(read_text, {std::string(read_text.substr(0, 3))}, 0)) {
      if (accepted.count(m.entry_vrm) == 0) std::abort();
      if (m.substitutions < 0 || m.substitutions > meta.max_substitutions) std::abort();
      ShowAsJson(m, anpr::HotlistEntry{});
    }
  } catch (const nlohmann::json::exception&) {
    std::abort();  // a field the screen or the depot cannot show
  }
  return 0;
}
