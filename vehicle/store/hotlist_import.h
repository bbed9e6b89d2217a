// Importing a hotlist CSV file as the next version of a list: the one
// implementation behind `anpr hotlist import` and the unit's hotlist folder
// at start.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "vehicle/hotlists/matcher.h"
#include "vehicle/records/hotlist.h"
#include "vehicle/records/status.h"
#include "vehicle/store/store.h"

namespace anpr {

struct HotlistImportOptions {
  // Who imports, for the audit entry ("unit-start", an officer number).
  std::string actor;
  // Skip the import when the file is byte for byte the one imported last
  // into this list and the list is on the unit: re-importing a list of
  // millions of lines at every start costs half a minute and a gigabyte.
  bool skip_if_unchanged = false;
  // Settings given here replace the list's; those not given keep what the
  // list has (as an administrator set them), or the defaults for a new list.
  std::optional<ListSource> source;
  std::optional<std::string> colour;
  std::optional<std::string> sound;
  std::optional<bool> covert;
  std::optional<int> max_substitutions;
};

struct HotlistImportResult {
  bool unchanged = false;  // skipped: the same file is already in force
  int64_t version = 0;     // the list's version in force afterwards
  size_t entries = 0;      // entries imported (0 when unchanged)
  HotlistMeta meta;        // the list's settings as applied
};

// Reads the CSV at `path` (see ParseHotlistCsv) and applies it to list
// `list` as a whole new version, atomically, audited as options.actor;
// `matcher`, when given, switches to the new version. On success the file's
// fingerprint (the first 63 bits of its SHA-256) is kept in the store, so a
// later import with skip_if_unchanged of the same file does nothing.
// Errors: kNotFound when the file cannot be read; the parser's error naming
// file, line and problem for a bad file; the store's error otherwise. On any
// error the version in force stays.
Result<HotlistImportResult> ImportHotlistFile(Store* store, const std::string& path, const std::string& list,
                                              const HotlistImportOptions& options, Matcher* matcher);

// The store key under which a list's last imported file fingerprint is kept.
std::string HotlistFileKey(const std::string& list);

}  // namespace anpr
