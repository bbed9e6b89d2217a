// Retention: deleting what the law says must go (the dates come from
// retention.cc).
#include "vehicle/store/store.h"

#include <sqlite3.h>

#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/store/src/audit_log.h"
#include "vehicle/store/src/store_impl.h"

namespace anpr {
using namespace store_internal;

namespace {
// A read under a hold in force (bound as ?2: now) is never purged; ?1 is the
// time bound of the rule at hand.
constexpr const char* kNotHeld = " AND vrm NOT IN (SELECT vrm FROM read_holds WHERE until_utc_ms > ?2)";
constexpr const char* kHeld = " AND vrm IN (SELECT vrm FROM read_holds WHERE until_utc_ms > ?2)";
}  // namespace

Result<PurgeCounts> Store::Purge(int64_t cap_before_utc_ms, int64_t images_before_utc_ms, int64_t now_utc_ms) {
  PurgeCounts c;
  Status st = impl_->Run([&](sqlite3* db) {
    c = PurgeCounts{};
    auto count = [&](const std::string& sql, int64_t at, int64_t* out) {
      Stmt s(db, sql.c_str());
      s.Bind(1, at).Bind(2, now_utc_ms);
      if (s.Step()) *out = s.Int(0);
      return s.status();
    };
    const std::string past_cap = std::string("captured_at_utc_ms < ?1") + kNotHeld;
    Status s = count("SELECT count(*) FROM reads WHERE " + past_cap, cap_before_utc_ms, &c.reads_deleted);
    if (s.ok()) {
      s = count("SELECT count(*) FROM reads WHERE synced_at_utc_ms IS NULL AND " + past_cap, cap_before_utc_ms,
                &c.unsynced_reads_deleted);
    }
    if (s.ok()) {
      s = count("SELECT count(*) FROM hits WHERE read_uuid IN (SELECT uuid FROM reads WHERE " + past_cap + ")",
                cap_before_utc_ms, &c.hits_deleted);
    }
    if (s.ok()) {
      s = count(std::string("SELECT count(*) FROM reads WHERE captured_at_utc_ms < ?1") + kHeld, cap_before_utc_ms,
                &c.held_reads_kept);
    }
    for (const std::string& sql : {
             "DELETE FROM hits WHERE read_uuid IN (SELECT uuid FROM reads WHERE " + past_cap + ")",
             "DELETE FROM read_images WHERE read_uuid IN (SELECT uuid FROM reads WHERE " + past_cap + ")",
             "DELETE FROM reads WHERE " + past_cap}) {
      if (!s.ok()) break;
      Stmt d(db, sql.c_str());
      s = d.Bind(1, cap_before_utc_ms).Bind(2, now_utc_ms).Run();
    }
    if (s.ok()) {
      Stmt pick(db, (std::string("SELECT i.read_uuid FROM read_images i JOIN reads r ON r.uuid = i.read_uuid "
                                 "WHERE r.synced_at_utc_ms IS NOT NULL AND r.captured_at_utc_ms < ?1 AND r.vrm NOT IN "
                                 "(SELECT vrm FROM read_holds WHERE until_utc_ms > ?2)"))
                        .c_str());
      pick.Bind(1, images_before_utc_ms).Bind(2, now_utc_ms);
      std::vector<std::string> uuids;
      while (pick.Step()) uuids.push_back(pick.Text(0));
      s = pick.status();
      Stmt del(db, "DELETE FROM read_images WHERE read_uuid = ?");
      Stmt mark(db, "UPDATE reads SET images_removed_at_utc_ms = ? WHERE uuid = ?");
      for (const std::string& u : uuids) {
        if (!s.ok()) break;
        del.Reset();
        s = del.Bind(1, u).Run();
        mark.Reset();
        if (s.ok()) s = mark.Bind(1, now_utc_ms).Bind(2, u).Run();
      }
      c.images_deleted = static_cast<int64_t>(uuids.size());
    }
    if (s.ok()) {
      s = AppendAudit(db, "system", "retention.purge",
                      "reads captured before " + std::to_string(cap_before_utc_ms) + " ms deleted: " +
                          std::to_string(c.reads_deleted) + " (of which never synced: " +
                          std::to_string(c.unsynced_reads_deleted) + "), hits: " + std::to_string(c.hits_deleted) +
                          "; images of synced reads before " + std::to_string(images_before_utc_ms) +
                          " ms removed: " + std::to_string(c.images_deleted) +
                          "; kept under an investigation hold: " + std::to_string(c.held_reads_kept));
    }
    return s;
  });
  if (!st.ok()) return st;
  return c;
}

}  // namespace anpr
