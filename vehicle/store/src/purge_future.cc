// Retention: reads stamped too far in the future (the rule and the tolerance
// are in retention.h).
#include <sqlite3.h>

#include <string>

#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/store/src/audit_log.h"
#include "vehicle/store/src/store_impl.h"
#include "vehicle/store/store.h"

namespace anpr {
using namespace store_internal;

Result<PurgeCounts> Store::PurgeFutureDated(int64_t captured_after_utc_ms, int64_t now_utc_ms) {
  PurgeCounts c;
  Status st = impl_->Run([&](sqlite3* db) {
    c = PurgeCounts{};
    auto count = [&](const std::string& sql, int64_t* out) {
      Stmt s(db, sql.c_str());
      s.Bind(1, captured_after_utc_ms).Bind(2, now_utc_ms);
      if (s.Step()) *out = s.Int(0);
      return s.status();
    };
    // A read under a hold in force (?2: now) is kept whatever its stamp.
    const std::string ahead = "captured_at_utc_ms > ?1 AND vrm NOT IN (SELECT vrm FROM read_holds WHERE until_utc_ms > ?2)";
    Status s = count("SELECT count(*) FROM reads WHERE " + ahead, &c.reads_deleted);
    if (s.ok() && c.reads_deleted == 0) return s;  // nothing to do, nothing to audit
    if (s.ok()) {
      s = count("SELECT count(*) FROM reads WHERE synced_at_utc_ms IS NULL AND " + ahead, &c.unsynced_reads_deleted);
    }
    if (s.ok()) {
      s = count("SELECT count(*) FROM hits WHERE read_uuid IN (SELECT uuid FROM reads WHERE " + ahead + ")",
                &c.hits_deleted);
    }
    for (const std::string& sql : {"DELETE FROM hits WHERE read_uuid IN (SELECT uuid FROM reads WHERE " + ahead + ")",
                                   "DELETE FROM read_images WHERE read_uuid IN (SELECT uuid FROM reads WHERE " + ahead + ")",
                                   "DELETE FROM reads WHERE " + ahead}) {
      if (!s.ok()) break;
      Stmt d(db, sql.c_str());
      s = d.Bind(1, captured_after_utc_ms).Bind(2, now_utc_ms).Run();
    }
    c.future_dated_deleted = c.reads_deleted;
    if (s.ok()) {
      s = AppendAudit(db, "system", "retention.purge-future",
                      "reads captured after " + std::to_string(captured_after_utc_ms) +
                          " ms (future-dated) deleted: " + std::to_string(c.reads_deleted) +
                          " (of which never synced: " + std::to_string(c.unsynced_reads_deleted) +
                          "), hits: " + std::to_string(c.hits_deleted));
    }
    return s;
  });
  if (!st.ok()) return st;
  return c;
}

}  // namespace anpr
