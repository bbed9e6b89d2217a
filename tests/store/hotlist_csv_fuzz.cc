// Any bytes as a hotlist CSV: the parser must return entries or a clear
// "<file>:<line>: <problem>" error, never crash or hang, and every entry it
// accepts must satisfy the documented rules.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vehicle/records/hotlist.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = anpr::ParseHotlistCsv(in, "fuzz.csv");
  if (!r.ok()) {
    const std::string& m = r.status().message();
    if (m.rfind("fuzz.csv:", 0) != 0) std::abort();  // the error names the file and line
    if (r.status().code() != anpr::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  for (const anpr::HotlistEntry& e : *r) {
    if (e.vrm.empty() || e.vrm.size() > anpr::kMaxHotlistVrmLength || e.reason.empty()) std::abort();
    for (char c : e.vrm) {
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) std::abort();
    }
    if (e.priority != anpr::Priority::kHigh && e.priority != anpr::Priority::kMedium &&
        e.priority != anpr::Priority::kLow) {
      std::abort();
    }
  }
  return 0;
}
