// The sync client's Outbox over the car's on-board store (vehicle/store.h):
// what anpr-vehicle syncs from. Hits, reads and audit entries come from the
// store oldest first; acknowledgements mark the store; hotlist updates from
// the depot are applied to the store (and the unit's matcher) in one
// transaction.
//
// The store numbers audit entries (seq) and chains them by hash; the wire
// carries a UUID. Each entry's UUID is derived from the unit id and the
// entry's chain hash, so a resend after a reboot carries the same UUID and
// the depot stores it once.
//
// Thread-compatible, as Outbox requires (the sync client's one thread).
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "sync/outbox.h"
#include "vehicle/hotlists/matcher.h"
#include "vehicle/store/store.h"
#include "vehicle/records/mutex.h"

namespace anpr::sync {

class StoreOutbox final : public Outbox {
 public:
  // `store` and `matcher` (may be null) must outlive this. `unit_id` names
  // the vehicle on audit entries.
  StoreOutbox(Store* store, Matcher* matcher, std::string unit_id);

  Result<std::vector<Hit>> UnsyncedHits(std::size_t limit) override;
  Result<std::vector<Read>> UnsyncedReads(std::size_t limit) override;
  Result<std::vector<WireAuditEntry>> UnsyncedAudit(std::size_t limit) override;
  Result<std::vector<WantedEntry>> UnsyncedWanted(std::size_t limit) override;
  Result<std::vector<HoldEntry>> UnsyncedHolds(std::size_t limit) override;
  Result<UnsyncedCounts> CountUnsynced() override;
  Result<std::optional<AuditChainHead>> ChainHead() override;
  Status MarkSynced(RecordKind kind, const std::vector<std::string>& uuids, int64_t synced_at_utc_ms) override;
  Status Quarantine(RecordKind kind, const std::string& uuid, const std::string& reason) override;
  Result<int64_t> HotlistVersion() override;
  Status ApplyHotlistUpdate(const HotlistUpdate& update) override;

 private:
  Store* store_;
  Matcher* matcher_;
  std::string unit_id_;
  // UUIDs handed out by UnsyncedAudit -> the store's seq, and by
  // UnsyncedHits -> the outcome time sent, for MarkSynced.
  Mutex mu_;
  std::map<std::string, int64_t> audit_seq_by_uuid_ ANPR_GUARDED_BY(mu_);
  std::map<std::string, int64_t> hit_outcome_at_by_uuid_ ANPR_GUARDED_BY(mu_);
};

// The store's form of a depot list change; false (with *why) when an entry
// cannot be taken (a malformed valid_until).
bool ToDepotListChange(const HotlistDelta& delta, DepotListChange* out, std::string* why);

}  // namespace anpr::sync
