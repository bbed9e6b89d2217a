// The audit entry as it travels to the depot, and the one mapping from the
// car's audit record (vehicle/records/audit.h) to it.
//
// Why a wire type of its own: the car's entry is a link in a hash chain keyed
// by its position (seq, prev_hash, hash), which means nothing outside that
// car. On the wire an entry must be idempotent across cars and resends, so it
// carries a UUID derived from the unit and the entry's hash, and the unit it
// came from; the depot stores it as is and never rebuilds a chain (it keeps
// only each car's newest link, to notice a chain rewritten or cut). The
// mapping runs one way only (car to depot): nothing turns a wire entry back
// into a chain link.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "vehicle/records/audit.h"

namespace anpr::sync {

// An entry of the car's audit trail (log-ons, hit outcomes, exports ...),
// synced like a read: idempotent by the uuid made in the car.
struct WireAuditEntry {
  std::string uuid;
  int64_t at_utc_ms = 0;
  std::string unit_id;  // the vehicle
  std::string actor;    // officer number, or "system"
  std::string action;   // short verb: "logon", "hit-outcome", ...
  std::string detail;   // free text
  // The entry's place in the car's hash chain, when it comes from one (the
  // depot keeps each car's newest and so notices a chain rewritten under
  // what it already holds). Empty for entries of no chain.
  std::optional<int64_t> chain_seq;
  std::string chain_hash, chain_prev_hash;  // 64 hex digits each when chain_seq is set
  std::optional<int64_t> synced_at_utc_ms;
};

// The newest entry of a car's audit chain, as the car holds it: sent with
// every sync (POST /api/v1/audit/head) so the depot can tell when the chain
// now ends before, or differs from, what it already received.
struct AuditChainHead {
  int64_t seq = 0;
  std::string hash;
};

// The sync key of a chained audit entry: a UUID (RFC 9562 version 8, lower
// case) derived from the unit id and the entry's hash, so the same entry
// always gets the same key and two units never share one.
std::string AuditUuid(const std::string& unit_id, const std::string& entry_hash);

// The wire form of the car's audit entry `entry`, made in unit `unit_id`:
// officer becomes actor, and the chain position and hash are appended to the
// detail (" [seq N hash H]") so the depot's copy can be checked against the
// car's chain. synced_at_utc_ms is left empty.
WireAuditEntry ToWireAudit(const anpr::AuditEntry& entry, const std::string& unit_id);

}  // namespace anpr::sync
