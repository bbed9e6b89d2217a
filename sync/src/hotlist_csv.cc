// The depot's check of a published hotlist CSV: the car's parser plus what
// the depot's databases need.
#include <string>
#include <utility>

#include "sync/protocol.h"
#include "sync/src/json_fields.h"
#include "vehicle/records/hotlist.h"

namespace anpr::sync {

using detail::kMaxTextField;

namespace {
// Strict UTF-8 (no overlongs, no surrogates): text fields end up in
// PostgreSQL, which refuses anything else.
bool ValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0 || i + static_cast<std::size_t>(n) >= s.size()) return false;
    uint32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k <= n; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d >> 6) != 2) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += static_cast<std::size_t>(n) + 1;
  }
  return true;
}
}  // namespace

Result<std::vector<WireHotlistEntry>> ParseHotlistCsv(std::string_view csv) {
  // The car's own parser (vehicle/hotlist.h) decides what a valid file is,
  // so the depot never publishes a list a car would refuse. The depot adds
  // what its databases need: valid UTF-8 and bounded text fields.
  if (!ValidUtf8(csv)) return InvalidArgument("hotlist CSV is not valid UTF-8");
  auto parsed = anpr::ParseHotlistCsv(csv, "csv");
  if (!parsed.ok()) return parsed.status();
  std::vector<WireHotlistEntry> out;
  out.reserve(parsed->size());
  for (anpr::HotlistEntry& e : *parsed) {
    WireHotlistEntry w = ToWireHotlistEntry(std::move(e));
    for (const std::string* f : {&w.reason, &w.warning_markers, &w.information, &w.make, &w.model, &w.colour}) {
      if (f->size() > kMaxTextField) return InvalidArgument("vrm " + w.vrm + ": a field is longer than 4096 bytes");
    }
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace anpr::sync
