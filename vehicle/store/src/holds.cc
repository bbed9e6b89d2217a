// Investigation holds: stored, audited, listed and marked synced. How
// retention honours them is in purge.cc / purge_future.cc (rule in
// retention.h); who may place one, and with what reason, in officers.cc.
#include <sqlite3.h>

#include <string>
#include <vector>

#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/store/src/audit_log.h"
#include "vehicle/store/src/store_impl.h"
#include "vehicle/store/store.h"

namespace anpr {
using namespace store_internal;

namespace {

constexpr const char* kHoldColumns =
    "SELECT uuid, vrm, reason, placed_by, placed_at_utc_ms, until_utc_ms, synced_at_utc_ms FROM read_holds ";

Result<std::vector<ReadHold>> ReadHolds(Stmt& s) {
  std::vector<ReadHold> out;
  while (s.Step()) {
    ReadHold h;
    h.uuid = s.Text(0);
    h.vrm = s.Text(1);
    h.reason = s.Text(2);
    h.placed_by = s.Text(3);
    h.placed_at_utc_ms = s.Int(4);
    h.until_utc_ms = s.Int(5);
    h.synced_at_utc_ms = s.OptInt(6);
    out.push_back(std::move(h));
  }
  if (!s.status().ok()) return s.status();
  return out;
}

}  // namespace

Status Store::AddHold(const ReadHold& hold) {
  return impl_->Run([&](sqlite3* db) {
    Stmt ins(db,
             "INSERT INTO read_holds (uuid, vrm, reason, placed_by, placed_at_utc_ms, until_utc_ms) "
             "VALUES (?,?,?,?,?,?)");
    Status s = ins.Bind(1, hold.uuid)
                   .Bind(2, hold.vrm)
                   .Bind(3, hold.reason)
                   .Bind(4, hold.placed_by)
                   .Bind(5, hold.placed_at_utc_ms)
                   .Bind(6, hold.until_utc_ms)
                   .Run();
    if (s.ok()) {
      s = AppendAudit(db, hold.placed_by, "reads.hold",
                      "vrm=" + hold.vrm + " until=" + std::to_string(hold.until_utc_ms) + " hold=" + hold.uuid +
                          "; reason: " + hold.reason);
    }
    return s;
  });
}

Result<std::vector<ReadHold>> Store::ActiveHolds(int64_t now_utc_ms) {
  return impl_->Query([&](sqlite3* db) -> Result<std::vector<ReadHold>> {
    Stmt s(db, (std::string(kHoldColumns) + "WHERE until_utc_ms > ? ORDER BY vrm, until_utc_ms").c_str());
    s.Bind(1, now_utc_ms);
    return ReadHolds(s);
  });
}

Result<std::vector<ReadHold>> Store::UnsyncedHolds(size_t limit) {
  return impl_->Query([&](sqlite3* db) -> Result<std::vector<ReadHold>> {
    Stmt s(db, (std::string(kHoldColumns) +
                "WHERE synced_at_utc_ms IS NULL AND uuid NOT IN "
                "(SELECT key FROM sync_quarantine WHERE kind = 'hold') ORDER BY placed_at_utc_ms LIMIT ?")
                   .c_str());
    s.Bind(1, static_cast<int64_t>(limit));
    return ReadHolds(s);
  });
}

Status Store::MarkHoldsSynced(const std::vector<std::string>& uuids, int64_t at_utc_ms) {
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db, "UPDATE read_holds SET synced_at_utc_ms = ? WHERE uuid = ?");
    for (const std::string& u : uuids) {
      s.Reset();
      if (Status st = s.Bind(1, at_utc_ms).Bind(2, u).Run(); !st.ok()) return st;
    }
    return Status::Ok();
  });
}

}  // namespace anpr
