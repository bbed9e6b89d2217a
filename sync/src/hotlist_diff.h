// Internal: the delta between two versions of one hotlist, shared by both
// depot store back ends.
#pragma once

#include <string>
#include <vector>

#include "sync/protocol.h"

namespace anpr::sync {

// `base` is what a car at version `from` holds (empty when from == 0),
// `newest` the list at version `to`. Entries new or changed go to added,
// VRMs gone to removed_vrms.
HotlistDelta DiffHotlist(const std::string& list, int64_t from, int64_t to,
                         const std::vector<WireHotlistEntry>& base, const std::vector<WireHotlistEntry>& newest);

}  // namespace anpr::sync
