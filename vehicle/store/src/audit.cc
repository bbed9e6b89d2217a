// The audit log: appending (inside other writes' transactions), reading and
// verifying the hash chain.
#include "vehicle/records/audit.h"
#include "vehicle/records/field_limits.h"
#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/store/src/audit_log.h"
#include "vehicle/store/src/schema.h"
#include "vehicle/store/src/store_impl.h"

namespace anpr {
namespace store_internal {

Status AppendAudit(sqlite3* db, const std::string& officer, const std::string& action,
                   const std::string& detail) {
  // What the depot would refuse is refused here, before it enters the chain
  // (a refused entry would block the audit upload for good).
  for (Status s : {limits::ValidateText("audit officer", officer, limits::kMaxIdBytes),
                   limits::ValidateText("audit action", action, limits::kMaxIdBytes),
                   limits::ValidateText("audit detail", detail, limits::kMaxTextBytes)}) {
    if (!s.ok()) return s;
  }
  Stmt last(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  int64_t seq = 1;
  std::string prev = kAuditGenesisHash;
  if (last.Step()) {
    seq = last.Int(0) + 1;
    prev = last.Text(1);
  }
  if (!last.status().ok()) return last.status();
  const int64_t at = NowUtcMs();
  Stmt s(db, "INSERT INTO audit (seq, at_utc_ms, officer, action, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?)");
  s.Bind(1, seq).Bind(2, at).Bind(3, officer).Bind(4, action).Bind(5, detail).Bind(6, prev)
      .Bind(7, AuditEntryHash(prev, seq, at, officer, action, detail));
  return s.Run();
}

namespace {

// Compares the chain's head as the table holds it (`head_seq`, `head_hash`;
// 0 and the genesis hash when empty) with the anchor kept beside it.
void CheckAnchor(sqlite3* db, int64_t head_seq, const std::string& head_hash, AuditVerdict* v) {
  Stmt a(db, "SELECT seq, hash FROM audit_anchor WHERE id = 1");
  const bool anchored = a.Step();
  const int64_t anchor_seq = anchored ? a.Int(0) : 0;
  const std::string anchor_hash = anchored ? a.Text(1) : kAuditGenesisHash;
  auto fail = [&](int64_t bad_seq, const std::string& problem) {
    v->ok = false;
    v->bad_seq = bad_seq;
    v->problem = problem;
  };
  if (!a.status().ok()) {
    fail(head_seq, "the chain's anchor cannot be read: " + a.status().message());
  } else if (!anchored && head_seq > 0) {
    fail(head_seq, "the chain's anchor has been removed");
  } else if (anchor_seq > head_seq) {
    fail(head_seq + 1, "entries " + std::to_string(head_seq + 1) + " to " + std::to_string(anchor_seq) +
                           " are missing: the anchor says the chain reached entry " + std::to_string(anchor_seq) +
                           " (entries deleted from the end)");
  } else if (anchor_seq < head_seq) {
    fail(anchor_seq + 1, "entries after " + std::to_string(anchor_seq) +
                             " were added past the anchor (the append-only triggers were bypassed)");
  } else if (anchor_hash != head_hash) {
    fail(head_seq, "entry " + std::to_string(head_seq) +
                       ": the newest entry's hash differs from the anchor's (the chain was rewritten and recomputed)");
  }
}

}  // namespace
}  // namespace store_internal

using namespace store_internal;

// ---------------------------------------------------------------------------
// Audit
// ---------------------------------------------------------------------------

Status Store::Audit(const std::string& officer, const std::string& action, const std::string& detail) {
  return impl_->Run([&](sqlite3* db) { return AppendAudit(db, officer, action, detail); });
}

Result<std::vector<AuditEntry>> Store::AuditEntries(int64_t from_seq, size_t limit) {
  return impl_->Query([&](sqlite3* db) -> Result<std::vector<AuditEntry>> {
    Stmt s(db,
           "SELECT seq, at_utc_ms, officer, action, detail, prev_hash, hash, synced_at_utc_ms FROM audit "
           "WHERE seq >= ? ORDER BY seq LIMIT ?");
    s.Bind(1, from_seq).Bind(2, static_cast<int64_t>(limit));
    std::vector<AuditEntry> out;
    while (s.Step()) {
      out.push_back({s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.OptInt(7)});
    }
    if (!s.status().ok()) return s.status();
    return out;
  });
}

Result<std::optional<AuditEntry>> Store::NewestAuditEntry() {
  return impl_->Query([](sqlite3* db) -> Result<std::optional<AuditEntry>> {
    Stmt s(db,
           "SELECT seq, at_utc_ms, officer, action, detail, prev_hash, hash, synced_at_utc_ms FROM audit "
           "ORDER BY seq DESC LIMIT 1");
    std::optional<AuditEntry> out;
    if (s.Step()) out = AuditEntry{s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), s.OptInt(7)};
    if (!s.status().ok()) return s.status();
    return out;
  });
}

Result<AuditVerdict> Store::VerifyAudit() {
  return impl_->Query([](sqlite3* db) -> Result<AuditVerdict> {
    AuditVerdict v;
    // One read transaction so the chain is checked as of one moment.
    Status st = SqliteExec(db, "BEGIN");
    if (!st.ok()) return st;
    {
      std::string names;
      for (const char* name : kAuditGuardTriggerNames) names += std::string(names.empty() ? "'" : ",'") + name + "'";
      Stmt t(db, ("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (" + names + ")").c_str());
      if (t.Step() && t.Int(0) != static_cast<int64_t>(std::size(kAuditGuardTriggerNames))) {
        v.ok = false;
        v.problem = "the audit log's append-only triggers have been removed";
      }
      Stmt s(db, "SELECT seq, at_utc_ms, officer, action, detail, prev_hash, hash FROM audit ORDER BY seq");
      std::string prev = kAuditGenesisHash;
      int64_t expected = 1;
      int64_t head_seq = 0;  // the newest entry checked
      while (v.ok && s.Step()) {
        const int64_t seq = s.Int(0);
        ++v.entries_checked;
        auto fail = [&](const std::string& problem) {
          v.ok = false;
          v.bad_seq = seq;
          v.problem = "entry " + std::to_string(seq) + " (" + s.Text(3) + "): " + problem;
        };
        if (seq != expected) {
          fail("entries " + std::to_string(expected) + " to " + std::to_string(seq - 1) + " are missing");
        } else if (s.Text(5) != prev) {
          fail("previous-hash link broken (an entry before it was changed or removed)");
        } else if (AuditEntryHash(prev, seq, s.Int(1), s.Text(2), s.Text(3), s.Text(4)) != s.Text(6)) {
          fail("hash does not match its content (the entry was changed)");
        }
        prev = s.Text(6);
        head_seq = seq;
        ++expected;
      }
      if (!s.status().ok()) st = s.status();
      if (v.ok && st.ok()) CheckAnchor(db, head_seq, prev, &v);
    }
    // A read-only transaction: its end cannot fail the verdict, but say so
    // when it does not close.
    if (Status end = SqliteExec(db, "COMMIT"); !end.ok() && st.ok()) st = end;
    if (!st.ok()) return st;
    return v;
  });
}

}  // namespace anpr
