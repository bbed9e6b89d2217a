// Hotlists: named lists of wanted VRMs, their metadata, and the CSV format
// they are imported from. Plain values and a parser; persistence is in
// vehicle/store.h and matching in vehicle/matcher.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vehicle/records/status.h"
#include "vehicle/records/read.h"

namespace anpr {

// Where a list comes from.
enum class ListSource : int { kPnc = 0, kDvla = 1, kMib = 2, kLocal = 3, kOfficer = 4 };
const char* ListSourceName(ListSource s);  // "pnc", "dvla", "mib", "local", "officer"
bool ParseListSource(std::string_view text, ListSource* out);  // any case

// A list's settings (not its entries).
struct HotlistMeta {
  std::string name;  // unique on the unit, e.g. "pnc-stolen"
  ListSource source = ListSource::kLocal;
  // How the HMI paints and sounds its hits: "#rrggbb" and an alert sound
  // name ("high", "medium", "low"). Empty: the priority's colour and sound.
  std::string colour;
  std::string sound;
  bool covert = false;             // hits recorded and synced, never alerted in the car
  // OCR-equivalent substitutions allowed for a "similar" hit: 0..2 (default 1).
  int max_substitutions = 1;
  int64_t version = 0;  // 0 = never imported
  int64_t entry_count = 0;  // as stored; informational (ignored when applying)
  int64_t updated_at_utc_ms = 0;  // when this version came into force, as stored; ignored when applying
};

// The longest VRM a hotlist accepts (the matcher packs VRMs into 64 bits).
inline constexpr size_t kMaxHotlistVrmLength = 10;

// One wanted vehicle.
struct HotlistEntry {
  std::string vrm;  // normalised (A-Z 0-9)
  Priority priority = Priority::kLow;
  std::string reason;
  std::string warning_markers;
  std::string information;  // information / action text
  std::string make, model, colour;
  int64_t valid_until_utc_s = 0;  // 0 = no expiry; expired entries never hit
};

// What a hit shows of its list entry, copied from it: reason, warning
// markers, information, make, model and colour (the one place that says which
// details a hit carries).
void CopyEntryDetails(const HotlistEntry& entry, Hit* hit);

// Adds and removes that turn version `base_version` into `new_version`.
struct HotlistDelta {
  int64_t base_version = 0;
  int64_t new_version = 0;
  std::vector<HotlistEntry> adds;  // an add of a present VRM replaces it
  std::vector<std::string> removes;  // VRMs (normalised)
};

// Parses a hotlist CSV (RFC 4180 style: comma separated, fields may be
// double-quoted, "" is a quote inside a quoted field, CRLF or LF line ends,
// an optional UTF-8 byte order mark). The first row names the columns, in any
// order and any case: vrm, priority, reason are required; warning_markers,
// information, make, model, colour, valid_until are optional; unknown columns
// are an error. Blank lines are skipped. The VRM is normalised; a VRM that
// is empty after normalising or longer than kMaxHotlistVrmLength, a priority
// other than high/medium/low, an empty reason, a bad valid_until or a VRM
// listed twice is an error, and so is a field that is not valid UTF-8 or is
// longer than its limit in field_limits.h (reason, warning_markers,
// information: kMaxTextBytes; make, model, colour, valid_until:
// kMaxShortTextBytes), so the unit never holds what the depot refuses. On
// any error the whole file is refused: the Status message reads
// "<file_label>:<line>: <problem>".
Result<std::vector<HotlistEntry>> ParseHotlistCsv(std::string_view text,
                                                  std::string_view file_label);

// Parses an ISO 8601 date or date-time in UTC: "2026-12-31" (end of that day,
// 23:59:59Z), "2026-12-31T18:00:00Z", "2026-12-31T18:00Z", or with an offset
// "+01:00". Returns seconds since the Unix epoch; false when malformed.
bool ParseIso8601Utc(std::string_view text, int64_t* out_utc_s);

}  // namespace anpr
