// The depot's check of a published hotlist CSV: the car's parser, which also
// enforces the shared field limits (vehicle/records/field_limits.h: valid
// UTF-8 for PostgreSQL, bounded text fields).
#include <string>
#include <utility>

#include "sync/protocol.h"
#include "vehicle/records/hotlist.h"

namespace anpr::sync {

Result<std::vector<WireHotlistEntry>> ParseHotlistCsv(std::string_view csv, const std::string& file_label) {
  // The car's own parser (vehicle/records/hotlist.h) decides what a valid
  // file is, so the depot never publishes a list a car would refuse, and a
  // car never imports locally what the depot would refuse.
  auto parsed = anpr::ParseHotlistCsv(csv, file_label);
  if (!parsed.ok()) return parsed.status();
  std::vector<WireHotlistEntry> out;
  out.reserve(parsed->size());
  for (anpr::HotlistEntry& e : *parsed) out.push_back(ToWireHotlistEntry(std::move(e)));
  return out;
}

}  // namespace anpr::sync
