// Officers and their sessions as stored (the rules are in officers.cc).
#include "vehicle/store/store.h"

#include <sqlite3.h>

#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/store/src/store_impl.h"

namespace anpr {
using namespace store_internal;

Status Store::PutOfficer(const OfficerRecord& o) {
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db,
           "INSERT OR REPLACE INTO officers (number, role, pin_salt, pin_hash, pin_iterations, failed_attempts, "
           "locked_until_utc_ms, active) VALUES (?,?,?,?,?,?,?,?)");
    return s.Bind(1, o.number).Bind(2, o.role).Bind(3, o.pin_salt_hex).Bind(4, o.pin_hash_hex)
        .Bind(5, o.pin_iterations).Bind(6, o.failed_attempts).Bind(7, o.locked_until_utc_ms)
        .Bind(8, o.active ? 1 : 0).Run();
  });
}

Result<std::optional<OfficerRecord>> Store::GetOfficer(const std::string& number) {
  return impl_->Query([&](sqlite3* db) -> Result<std::optional<OfficerRecord>> {
    Stmt s(db,
           "SELECT number, role, pin_salt, pin_hash, pin_iterations, failed_attempts, locked_until_utc_ms, active "
           "FROM officers WHERE number = ?");
    s.Bind(1, number);
    if (s.Step()) {
      OfficerRecord o;
      o.number = s.Text(0);
      o.role = s.Text(1);
      o.pin_salt_hex = s.Text(2);
      o.pin_hash_hex = s.Text(3);
      o.pin_iterations = static_cast<int>(s.Int(4));
      o.failed_attempts = static_cast<int>(s.Int(5));
      o.locked_until_utc_ms = s.Int(6);
      o.active = s.Int(7) != 0;
      return std::optional<OfficerRecord>(std::move(o));
    }
    if (!s.status().ok()) return s.status();
    return std::optional<OfficerRecord>();
  });
}

Result<int64_t> Store::CountOfficers() {
  return impl_->Query([](sqlite3* db) -> Result<int64_t> {
    Stmt s(db, "SELECT count(*) FROM officers");
    if (s.Step()) return s.Int(0);
    return s.status().ok() ? Status(Internal("count")) : s.status();
  });
}

Result<int64_t> Store::OpenSession(const std::string& officer, int64_t at_utc_ms) {
  int64_t id = 0;
  Status st = impl_->Run([&](sqlite3* db) {
    Stmt s(db, "INSERT INTO officer_sessions (officer, started_at_utc_ms) VALUES (?, ?)");
    Status r = s.Bind(1, officer).Bind(2, at_utc_ms).Run();
    id = sqlite3_last_insert_rowid(db);
    return r;
  });
  if (!st.ok()) return st;
  return id;
}

Status Store::CloseSession(int64_t session_id, const std::string& reason, int64_t at_utc_ms) {
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db, "UPDATE officer_sessions SET ended_at_utc_ms = ?, end_reason = ? WHERE id = ? AND ended_at_utc_ms IS NULL");
    return s.Bind(1, at_utc_ms).Bind(2, reason).Bind(3, session_id).Run();
  });
}

}  // namespace anpr
