// Hits: storing them, repeats, the officer's outcome, and finding them again.
#include "vehicle/store/store.h"

#include <sqlite3.h>

#include <memory>

#include "vehicle/records/field_limits.h"
#include "vehicle/records/reason.h"
#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/records/vrm.h"
#include "vehicle/store/src/audit_log.h"
#include "vehicle/store/src/rows.h"
#include "vehicle/store/src/store_impl.h"

namespace anpr {
using namespace store_internal;

namespace {

// A hit the depot refused is set aside (Store::QuarantineForSync); a change
// to it (an outcome, a repeat sighting) must still reach the depot, so the
// changed hit is offered again, audited. In the caller's transaction.
Status ReleaseFromQuarantine(sqlite3* db, const std::string& hit_uuid, const std::string& why) {
  Stmt release(db, "DELETE FROM sync_quarantine WHERE kind = 'hit' AND key = ?");
  Status st = release.Bind(1, hit_uuid).Run();
  if (!st.ok() || sqlite3_changes(db) == 0) return st;
  return AppendAudit(db, "system", "sync.release",
                     "hit " + hit_uuid + " released from quarantine: " + why +
                         "; offered to the depot again (quarantined again if refused again)");
}

}  // namespace

Status Store::CommitHits(const std::vector<Hit>& hits) {
  auto h = std::make_shared<const std::vector<Hit>>(hits);
  return impl_->Run(Impl::Task{[h](sqlite3* db) {
                                 for (const Hit& hit : *h) {
                                   Status s = InsertHit(db, hit);
                                   if (!s.ok()) return s;
                                 }
                                 return Status::Ok();
                               },
                               nullptr, nullptr, h});
}

Status Store::RecordRepeatHit(const std::string& hit_uuid, const std::string& read_uuid, int64_t at_utc_ms) {
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db,
           "UPDATE hits SET repeat_count = repeat_count + 1, last_repeat_read_uuid = ?, "
           "last_repeat_at_utc_ms = ?, synced_at_utc_ms = NULL WHERE uuid = ?");
    Status st = s.Bind(1, read_uuid).Bind(2, at_utc_ms).Bind(3, hit_uuid).Run();
    if (st.ok() && sqlite3_changes(db) == 0) return NotFound("hit " + hit_uuid);
    if (st.ok()) st = ReleaseFromQuarantine(db, hit_uuid, "it was seen again");
    return st;
  });
}

Status Store::SetHitOutcome(const std::string& hit_uuid, HitOutcome outcome, const std::string& officer,
                            const std::string& note, int64_t at_utc_ms) {
  if (Status n = limits::ValidateText("outcome note", note, limits::kMaxReasonBytes); !n.ok()) return n;

  if (outcome == HitOutcome::kPending) return InvalidArgument("an outcome cannot be set back to pending");
  if (outcome == HitOutcome::kNotActioned) {
    if (Status s = ValidateReason(note); !s.ok()) return InvalidArgument("'not actioned': " + s.message());
  }
  if (officer.empty()) return Unauthenticated("an outcome needs the officer's number");
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db,
           "UPDATE hits SET outcome = ?, outcome_by = ?, outcome_at_utc_ms = ?, outcome_note = ?, "
           "synced_at_utc_ms = NULL WHERE uuid = ?");
    Status st = s.Bind(1, static_cast<int>(outcome)).Bind(2, officer).Bind(3, at_utc_ms).Bind(4, note)
                    .Bind(5, hit_uuid).Run();
    if (st.ok() && sqlite3_changes(db) == 0) return NotFound("hit " + hit_uuid);
    if (st.ok()) {
      st = AppendAudit(db, officer, "hit.outcome",
                       "hit " + hit_uuid + ": " + HitOutcomeName(outcome) + (note.empty() ? "" : " (" + note + ")"));
    }
    if (st.ok()) st = ReleaseFromQuarantine(db, hit_uuid, "its outcome changed");
    return st;
  });
}

Status Store::CorrectHit(const HitCorrection& c) {
  if (c.vrm.empty() && !c.outcome) return InvalidArgument("a correction changes the VRM or the outcome");
  if (!c.vrm.empty() && (NormaliseVrm(c.vrm) != c.vrm || c.vrm.size() > limits::kMaxShortTextBytes))
    return InvalidArgument("a corrected VRM is letters and digits only");
  if (c.outcome) {
    if (*c.outcome == HitOutcome::kPending) return InvalidArgument("an outcome cannot be set back to pending");
    if (Status n = limits::ValidateText("outcome note", c.note, limits::kMaxReasonBytes); !n.ok()) return n;
    if (*c.outcome == HitOutcome::kNotActioned) {
      if (Status s = ValidateReason(c.note); !s.ok()) return InvalidArgument("'not actioned': " + s.message());
    }
  }
  if (c.officer.empty()) return Unauthenticated("a correction needs the officer's number");
  return impl_->Run([&](sqlite3* db) {
    // The values corrected, as they stand: the outcome on the hit, the VRM
    // on its read.
    Stmt q(db,
           "SELECT h.outcome, h.outcome_note, h.read_uuid, r.vrm FROM hits h "
           "LEFT JOIN reads r ON r.uuid = h.read_uuid WHERE h.uuid = ?");
    q.Bind(1, c.hit_uuid);
    if (!q.Step()) return q.status().ok() ? NotFound("hit " + c.hit_uuid) : q.status();
    const auto old_outcome = static_cast<HitOutcome>(q.Int(0));
    const std::string old_note = q.Text(1), read_uuid = q.Text(2);
    const std::string read_vrm = q.IsNull(3) ? "(read not on board)" : q.Text(3);
    q.Reset();
    std::string detail = "hit " + c.hit_uuid + " (read " + read_uuid + "):";
    if (!c.vrm.empty()) detail += " VRM " + read_vrm + " -> " + c.vrm + " (the read is kept as read)";
    if (c.outcome) {
      auto with_note = [](HitOutcome o, const std::string& note) {
        return std::string(HitOutcomeName(o)) + (note.empty() ? "" : " (" + note + ")");
      };
      detail += std::string(c.vrm.empty() ? "" : ";") + " outcome " + with_note(old_outcome, old_note) + " -> " +
                with_note(*c.outcome, c.note);
      Stmt u(db,
             "UPDATE hits SET outcome = ?, outcome_by = ?, outcome_at_utc_ms = ?, outcome_note = ?, "
             "synced_at_utc_ms = NULL WHERE uuid = ?");
      Status st = u.Bind(1, static_cast<int>(*c.outcome)).Bind(2, c.officer).Bind(3, c.at_utc_ms)
                      .Bind(4, c.note).Bind(5, c.hit_uuid).Run();
      if (!st.ok()) return st;
    }
    return AppendAudit(db, c.officer, "hit.correction", detail);
  });
}

Result<std::optional<Hit>> Store::GetHit(const std::string& uuid) {
  auto hits = impl_->Query([&](sqlite3* db) { return QueryHits(db, "WHERE uuid = ?", uuid, -1); });
  if (!hits.ok()) return hits.status();
  if (hits->empty()) return std::optional<Hit>();
  return std::optional<Hit>(hits->front());
}

Result<std::vector<Hit>> Store::RecentHits(size_t limit) {
  return impl_->Query([&](sqlite3* db) {
    return QueryHits(db, "ORDER BY raised_at_utc_ms DESC LIMIT ?", "", static_cast<int64_t>(limit));
  });
}

Result<std::vector<Hit>> Store::HitsForRead(const std::string& read_uuid) {
  return impl_->Query([&](sqlite3* db) {
    return QueryHits(db, "WHERE read_uuid = ? ORDER BY priority DESC, raised_at_utc_ms", read_uuid, -1);
  });
}

}  // namespace anpr
