// The hotlist entry as the depot stores and distributes it, and the one
// mapping between it and the car's entry (vehicle/records/hotlist.h).
//
// Why a wire type of its own: the depot keeps and sends an entry's expiry as
// the ISO 8601 text it published ("2027-01-31T23:59:59Z", "" for none), which
// its SQLite and PostgreSQL tables hold as text and a person reading a
// delta can check; the car compares expiries as seconds since the epoch
// (valid_until_utc_s, 0 for none). Every other field is the same thing on
// both sides.
#pragma once

#include <string>

#include "vehicle/records/hotlist.h"
#include "vehicle/records/read.h"
#include "vehicle/records/status.h"

namespace anpr::sync {

// One hotlist line as the depot distributes it.
struct WireHotlistEntry {
  std::string vrm;  // normalised A-Z 0-9
  Priority priority = Priority::kLow;
  std::string reason;
  std::string warning_markers;
  std::string information;
  std::string make, model, colour;
  std::string valid_until;  // empty, or an ISO-8601 date/time as published
  bool operator==(const WireHotlistEntry&) const = default;
};

// The wire form of the car's entry: valid_until_utc_s > 0 becomes
// "YYYY-MM-DDTHH:MM:SSZ" (UTC), 0 becomes "". Takes the entry by value so a
// caller converting a parsed list can move its strings.
WireHotlistEntry ToWireHotlistEntry(anpr::HotlistEntry entry);

// The car's form of a wire entry. An empty valid_until means no expiry; any
// other text must be ISO 8601 (see ParseIso8601Utc), else kInvalidArgument
// "<vrm>: valid_until '<text>' is not ISO 8601".
Result<anpr::HotlistEntry> FromWireHotlistEntry(const WireHotlistEntry& wire);

}  // namespace anpr::sync
