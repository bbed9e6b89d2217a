// What the sync client needs from the car's on-board store. The store
// implements this (an adapter over vehicle/store); tests and `anpr sync
// --outbox FILE` use SqliteOutbox (sync/sqlite_outbox.h).
//
// Contract for every method: thread-compatible (the sync client calls from
// its one thread); a failure is a Status, never a partial effect.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vehicle/records/status.h"
#include "sync/protocol.h"
#include "vehicle/records/read.h"

namespace anpr::sync {

enum class RecordKind { kHit, kRead, kAudit, kWanted, kHold };
const char* RecordKindName(RecordKind k);  // "hit", "read", "audit", "wanted", "hold"

// The backlog: records waiting to go. Quarantined records (refused by the
// depot for their content, see Outbox::Quarantine) are counted apart: they
// are not waiting, and `total()` leaves them out.
struct UnsyncedCounts {
  int64_t hits = 0, reads = 0, audit = 0, wanted = 0;
  int64_t quarantined = 0;
  int64_t total() const { return hits + reads + audit + wanted; }
};

class Outbox {
 public:
  virtual ~Outbox() = default;

  // Up to `limit` records not yet acknowledged by the depot, oldest first
  // (hits by raised_at, reads by captured_at, audit by at). A hit whose
  // outcome changed after it was synced must come back as unsynced so the
  // depot gets the outcome.
  virtual Result<std::vector<Hit>> UnsyncedHits(std::size_t limit) = 0;
  virtual Result<std::vector<Read>> UnsyncedReads(std::size_t limit) = 0;
  virtual Result<std::vector<WireAuditEntry>> UnsyncedAudit(std::size_t limit) = 0;
  // Officer-entered wanted plates, oldest first. An outbox that holds none
  // (a stand-alone file of reads) keeps this default.
  virtual Result<std::vector<WantedEntry>> UnsyncedWanted(std::size_t /*limit*/) {
    return std::vector<WantedEntry>{};
  }
  // Investigation holds, oldest first (not counted in CountUnsynced: few,
  // and sent first). An outbox that holds none keeps this default.
  virtual Result<std::vector<HoldEntry>> UnsyncedHolds(std::size_t /*limit*/) {
    return std::vector<HoldEntry>{};
  }
  virtual Result<UnsyncedCounts> CountUnsynced() = 0;
  // The newest entry of the car's audit hash chain as the store holds it
  // now (synced or not), which the client reports to the depot every pass;
  // nullopt when the outbox keeps no chain (the default) or it is empty.
  virtual Result<std::optional<AuditChainHead>> ChainHead() { return std::optional<AuditChainHead>(); }

  // Records that the depot acknowledged these records at `synced_at_utc_ms`
  // (durably: survives a power cut once this returns ok). Unknown UUIDs are
  // ignored. Only the sync client calls this.
  virtual Status MarkSynced(RecordKind kind, const std::vector<std::string>& uuids,
                            int64_t synced_at_utc_ms) = 0;

  // Sets aside a record the depot refused for its content (HTTP 400 or 413
  // for that one record), so that it never again blocks the records behind
  // it: from then on the Unsynced* calls skip it and CountUnsynced counts it
  // as quarantined. The record stays in the store, unsynced, with `reason`
  // (the depot's words) beside it, durably once this returns; nothing
  // deletes it early (retention treats it as any unsynced record). Unknown
  // UUIDs are ignored. Only the sync client calls this.
  virtual Status Quarantine(RecordKind kind, const std::string& uuid, const std::string& reason) = 0;

  // The depot hotlist version the car holds (0: none yet).
  virtual Result<int64_t> HotlistVersion() = 0;
  // Applies every list in `update` and records update.latest_version, all at
  // once: on any failure the previous lists and version stay in force.
  virtual Status ApplyHotlistUpdate(const HotlistUpdate& update) = 0;
};

}  // namespace anpr::sync
