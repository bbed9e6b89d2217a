// Sync: what is waiting for the depot, and marking what the depot acknowledged.
#include "vehicle/store/store.h"

#include <sqlite3.h>

#include <mutex>

#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/store/src/audit_log.h"
#include "vehicle/store/src/rows.h"
#include "vehicle/store/src/store_impl.h"

namespace anpr {
using namespace store_internal;

namespace {

Status MarkSynced(sqlite3* db, const char* sql, const std::vector<std::string>& uuids, int64_t at) {
  Stmt s(db, sql);
  for (const std::string& u : uuids) {
    s.Reset();
    s.Bind(1, at).Bind(2, u);
    Status st = s.Run();
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Read>> Store::UnsyncedReads(size_t limit) {
  return impl_->Query([&](sqlite3* db) -> Result<std::vector<Read>> {
    Stmt s(db, ReadSelect(true, "WHERE r.synced_at_utc_ms IS NULL AND r.uuid NOT IN "
                                     "(SELECT key FROM sync_quarantine WHERE kind = 'read') "
                                     "ORDER BY r.captured_at_utc_ms LIMIT ?").c_str());
    s.Bind(1, static_cast<int64_t>(limit));
    std::vector<Read> out;
    while (s.Step()) out.push_back(ReadFromRow(s, true));
    if (!s.status().ok()) return s.status();
    return out;
  });
}

Result<std::vector<Hit>> Store::UnsyncedHits(size_t limit) {
  return impl_->Query([&](sqlite3* db) {
    return QueryHits(db,
                     "WHERE synced_at_utc_ms IS NULL AND uuid NOT IN (SELECT key FROM sync_quarantine "
                     "WHERE kind = 'hit') ORDER BY raised_at_utc_ms LIMIT ?",
                     "",
                     static_cast<int64_t>(limit));
  });
}

Result<std::vector<AuditEntry>> Store::UnsyncedAudit(size_t limit) {
  return impl_->Query([&](sqlite3* db) -> Result<std::vector<AuditEntry>> {
    Stmt s(db,
           "SELECT seq, at_utc_ms, officer, action, detail, prev_hash, hash, synced_at_utc_ms FROM audit "
           "WHERE synced_at_utc_ms IS NULL AND CAST(seq AS TEXT) NOT IN "
           "(SELECT key FROM sync_quarantine WHERE kind = 'audit') ORDER BY seq LIMIT ?");
    s.Bind(1, static_cast<int64_t>(limit));
    std::vector<AuditEntry> out;
    while (s.Step()) {
      out.push_back({s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.OptInt(7)});
    }
    if (!s.status().ok()) return s.status();
    return out;
  });
}

Result<std::vector<OfficerEntry>> Store::UnsyncedOfficerEntries(size_t limit) {
  return impl_->Query([&](sqlite3* db) -> Result<std::vector<OfficerEntry>> {
    Stmt s(db,
           "SELECT uuid, list_name, vrm, priority, reason, warning_markers, information, valid_until_utc_s, "
           "entered_by, entered_at_utc_ms, synced_at_utc_ms FROM officer_entries "
           "WHERE synced_at_utc_ms IS NULL AND uuid NOT IN "
           "(SELECT key FROM sync_quarantine WHERE kind = 'officer_entry') ORDER BY entered_at_utc_ms LIMIT ?");
    s.Bind(1, static_cast<int64_t>(limit));
    std::vector<OfficerEntry> out;
    while (s.Step()) {
      OfficerEntry e;
      e.uuid = s.Text(0);
      e.list_name = s.Text(1);
      e.entry.vrm = s.Text(2);
      e.entry.priority = static_cast<Priority>(s.Int(3));
      e.entry.reason = s.Text(4);
      e.entry.warning_markers = s.Text(5);
      e.entry.information = s.Text(6);
      e.entry.valid_until_utc_s = s.Int(7);
      e.entered_by = s.Text(8);
      e.entered_at_utc_ms = s.Int(9);
      e.synced_at_utc_ms = s.OptInt(10);
      out.push_back(std::move(e));
    }
    if (!s.status().ok()) return s.status();
    return out;
  });
}

Status Store::MarkReadsSynced(const std::vector<std::string>& uuids, int64_t at_utc_ms) {
  Impl* impl = impl_.get();
  return impl_->Run([&, impl](sqlite3* db) {
    bool full = false;
    {
      MutexLock lock(&impl->mu);
      full = impl->disk_full;
    }
    // A full store cannot take even the marks (SQLite then rolls the whole
    // transaction back). The depot holds these reads now, so their images
    // are the ones that may make room; the reads themselves stay.
    int64_t freed = 0;
    if (full) {
      Stmt del(db, "DELETE FROM read_images WHERE read_uuid = ?");
      for (const std::string& u : uuids) {
        del.Reset();
        Status st = del.Bind(1, u).Run();
        if (!st.ok()) return st;
        freed += sqlite3_changes(db);
      }
    }
    Status st = MarkSynced(db, "UPDATE reads SET synced_at_utc_ms = ? WHERE uuid = ? AND synced_at_utc_ms IS NULL",
                           uuids, at_utc_ms);
    if (st.ok() && freed > 0) {
      st = MarkSynced(db,
                      "UPDATE reads SET images_removed_at_utc_ms = ? WHERE uuid = ? AND "
                      "images_removed_at_utc_ms IS NULL AND uuid NOT IN (SELECT read_uuid FROM read_images)",
                      uuids, at_utc_ms);
      if (st.ok()) {
        st = AppendAudit(db, "system", "store.free-images",
                         "store full: removed images of " + std::to_string(freed) +
                             " reads as the depot acknowledged them (reads kept)");
      }
      if (st.ok()) {
        MutexLock lock(&impl->mu);
        impl->images_freed += freed;
      }
    }
    return st;
  });
}

Result<SyncBacklog> Store::CountUnsynced() {
  return impl_->Query([](sqlite3* db) -> Result<SyncBacklog> {
    // Per table, the unsynced records waiting to go and those set aside.
    Stmt s(db,
           "WITH q(kind, key) AS (SELECT kind, key FROM sync_quarantine) SELECT "
           "(SELECT count(*) FROM reads WHERE synced_at_utc_ms IS NULL AND uuid NOT IN (SELECT key FROM q WHERE kind = 'read')), "
           "(SELECT count(*) FROM hits WHERE synced_at_utc_ms IS NULL AND uuid NOT IN (SELECT key FROM q WHERE kind = 'hit')), "
           "(SELECT count(*) FROM audit WHERE synced_at_utc_ms IS NULL AND CAST(seq AS TEXT) NOT IN "
           "  (SELECT key FROM q WHERE kind = 'audit')), "
           "(SELECT count(*) FROM officer_entries WHERE synced_at_utc_ms IS NULL AND uuid NOT IN "
           "  (SELECT key FROM q WHERE kind = 'officer_entry')), "
           "(SELECT count(*) FROM reads WHERE synced_at_utc_ms IS NULL AND uuid IN (SELECT key FROM q WHERE kind = 'read')) + "
           "(SELECT count(*) FROM hits WHERE synced_at_utc_ms IS NULL AND uuid IN (SELECT key FROM q WHERE kind = 'hit')) + "
           "(SELECT count(*) FROM audit WHERE synced_at_utc_ms IS NULL AND CAST(seq AS TEXT) IN "
           "  (SELECT key FROM q WHERE kind = 'audit')) + "
           "(SELECT count(*) FROM officer_entries WHERE synced_at_utc_ms IS NULL AND uuid IN "
           "  (SELECT key FROM q WHERE kind = 'officer_entry'))");
    if (!s.Step()) return s.status().ok() ? Status(Internal("count unsynced")) : s.status();
    SyncBacklog b;
    b.reads = s.Int(0);
    b.hits = s.Int(1);
    b.audit = s.Int(2);
    b.officer_entries = s.Int(3);
    b.quarantined = s.Int(4);
    return b;
  });
}

const char* SyncRecordName(SyncRecord kind) {
  switch (kind) {
    case SyncRecord::kRead: return "read";
    case SyncRecord::kHit: return "hit";
    case SyncRecord::kAudit: return "audit";
    case SyncRecord::kOfficerEntry: return "officer_entry";
    case SyncRecord::kHold: return "hold";
  }
  return "read";
}

Status Store::QuarantineForSync(SyncRecord kind, const std::string& key, const std::string& reason) {
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db, "INSERT OR IGNORE INTO sync_quarantine (kind, key, reason, at_utc_ms) VALUES (?,?,?,?)");
    Status st = s.Bind(1, SyncRecordName(kind)).Bind(2, key).Bind(3, reason).Bind(4, NowUtcMs()).Run();
    if (st.ok() && sqlite3_changes(db) == 1) {
      // The depot's words stay in sync_quarantine; the audit names the record.
      st = AppendAudit(db, "system", "sync.quarantine",
                       std::string(SyncRecordName(kind)) + " " + key + " refused by the depot for its content; "
                       "kept on board, no longer sent");
    }
    return st;
  });
}

Status Store::MarkHitsSynced(const std::vector<std::string>& uuids, int64_t at_utc_ms) {
  return impl_->Run([&](sqlite3* db) {
    return MarkSynced(db, "UPDATE hits SET synced_at_utc_ms = ? WHERE uuid = ?", uuids, at_utc_ms);
  });
}

Status Store::MarkHitsSyncedIfUnchanged(const std::vector<SentHit>& sent, int64_t at_utc_ms) {
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db, "UPDATE hits SET synced_at_utc_ms = ? WHERE uuid = ? AND outcome_at_utc_ms = ?");
    for (const SentHit& h : sent) {
      s.Reset();
      Status st = s.Bind(1, at_utc_ms).Bind(2, h.uuid).Bind(3, h.outcome_at_utc_ms).Run();
      if (!st.ok()) return st;
    }
    return Status::Ok();
  });
}

Status Store::MarkOfficerEntriesSynced(const std::vector<std::string>& uuids, int64_t at_utc_ms) {
  return impl_->Run([&](sqlite3* db) {
    return MarkSynced(db, "UPDATE officer_entries SET synced_at_utc_ms = ? WHERE uuid = ?", uuids, at_utc_ms);
  });
}

Status Store::MarkAuditSynced(const std::vector<int64_t>& seqs, int64_t at_utc_ms) {
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db, "UPDATE audit SET synced_at_utc_ms = ? WHERE seq = ?");
    for (int64_t seq : seqs) {
      s.Reset();
      Status st = s.Bind(1, at_utc_ms).Bind(2, seq).Run();
      if (!st.ok()) return st;
    }
    return Status::Ok();
  });
}

}  // namespace anpr
