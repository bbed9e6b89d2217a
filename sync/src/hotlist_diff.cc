#include "sync/src/hotlist_diff.h"

#include <unordered_map>
#include <unordered_set>

namespace anpr::sync {

HotlistDelta DiffHotlist(const std::string& list, int64_t from, int64_t to,
                         const std::vector<WireHotlistEntry>& base, const std::vector<WireHotlistEntry>& newest) {
  HotlistDelta d;
  d.list_name = list;
  d.from_version = from;
  d.to_version = to;
  d.full = from == 0;
  std::unordered_map<std::string, const WireHotlistEntry*> old;
  for (const auto& e : base) old.emplace(e.vrm, &e);
  std::unordered_set<std::string> present;
  for (const auto& e : newest) {
    present.insert(e.vrm);
    auto it = old.find(e.vrm);
    if (it == old.end() || !(*it->second == e)) d.added.push_back(e);
  }
  for (const auto& e : base)
    if (!present.count(e.vrm)) d.removed_vrms.push_back(e.vrm);
  return d;
}

}  // namespace anpr::sync
