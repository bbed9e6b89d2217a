// The audit log's records and its hash chain. Every login, hit outcome,
// search, export, hotlist change, purge and setting change is one entry.
// Entries are append-only (the store refuses UPDATE/DELETE of their content
// with triggers) and chained: hash = SHA-256(previous hash + the entry), so a
// changed, removed or re-ordered entry breaks the chain from that point on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace anpr {

struct AuditEntry {
  int64_t seq = 0;  // 1, 2, 3 ... without gaps
  int64_t at_utc_ms = 0;
  std::string officer;  // officer number, or "system" / "cli:<user>"
  std::string action;   // "login", "hit.outcome", "reads.search", "hotlist.import" ...
  std::string detail;   // free text: what, why (the stated reason), counts
  std::string prev_hash;  // hex SHA-256 of the previous entry; 64 zeros for the first
  std::string hash;       // hex SHA-256 of this entry (see AuditEntryHash)
  std::optional<int64_t> synced_at_utc_ms;  // not part of the hash
};

// The chain hash of an entry: SHA-256 over prev_hash, then seq, at_utc_ms,
// officer, action and detail, each length-prefixed so fields cannot be
// shifted into one another. Lower-case hex.
std::string AuditEntryHash(const std::string& prev_hash, int64_t seq, int64_t at_utc_ms,
                           const std::string& officer, const std::string& action,
                           const std::string& detail);

// The hash the first entry chains from.
inline const std::string kAuditGenesisHash(64, '0');

// What `anpr audit verify` reports.
struct AuditVerdict {
  bool ok = true;
  int64_t entries_checked = 0;
  int64_t bad_seq = 0;   // first entry that fails, 0 when ok
  std::string problem;   // "entry 12: hash does not match its content" ...
};

}  // namespace anpr
