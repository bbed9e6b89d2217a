// A file-backed Outbox on its own SQLite database. The car's real outbox is
// the on-board store (vehicle/store, through an adapter); this one backs the
// sync tests and lets `anpr sync --outbox FILE` run on its own. Everything
// is durable once a call returns (synchronous=FULL), so a test that closes
// and reopens the file sees exactly what a rebooted car would.
#pragma once

#include <memory>
#include <string>

#include "sync/outbox.h"
#include "vehicle/records/mutex.h"

struct sqlite3;

namespace anpr::sync {

class SqliteOutbox final : public Outbox {
 public:
  static Result<std::unique_ptr<SqliteOutbox>> Open(const std::string& path);
  ~SqliteOutbox() override;

  // What recognition/matching/the officer would add in the car.
  Status AddRead(const Read& read);
  Status AddHit(const Hit& hit);
  Status AddAudit(const WireAuditEntry& entry);
  // All of these in one transaction (one disk flush), as a car's store
  // would commit a burst of reads.
  Status AddAll(const std::vector<Read>& reads, const std::vector<Hit>& hits, const std::vector<WireAuditEntry>& audit);
  // Records a new outcome for a hit: it becomes unsynced again.
  Status SetHitOutcome(const std::string& hit_uuid, HitOutcome outcome, const std::string& by, int64_t at_utc_ms);

  Result<std::vector<Hit>> UnsyncedHits(std::size_t limit) override;
  Result<std::vector<Read>> UnsyncedReads(std::size_t limit) override;
  Result<std::vector<WireAuditEntry>> UnsyncedAudit(std::size_t limit) override;
  Result<UnsyncedCounts> CountUnsynced() override;
  Status MarkSynced(RecordKind kind, const std::vector<std::string>& uuids, int64_t synced_at_utc_ms) override;
  Status Quarantine(RecordKind kind, const std::string& uuid, const std::string& reason) override;
  Result<int64_t> HotlistVersion() override;
  Status ApplyHotlistUpdate(const HotlistUpdate& update) override;

  // For checks: the UUIDs of every record of `kind` marked synced, and the
  // entries of one hotlist as the car holds it.
  Result<std::vector<std::string>> SyncedUuids(RecordKind kind);
  Result<std::vector<WireHotlistEntry>> Hotlist(const std::string& list);

 private:
  SqliteOutbox(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Exec(const char* sql) ANPR_REQUIRES(mu_);
  Status Err(const std::string& what) ANPR_REQUIRES(mu_);

  Mutex mu_;  // one connection, guarded
  sqlite3* db_ ANPR_GUARDED_BY(mu_);
  std::string path_;
};

}  // namespace anpr::sync
