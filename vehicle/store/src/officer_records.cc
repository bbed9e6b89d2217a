// Officers and their sessions as stored (the rules are in officers.cc).
#include "vehicle/store/store.h"

#include <sqlite3.h>

#include <optional>

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

namespace {

std::optional<OfficerRecord> ReadOfficer(Stmt& s) {
  if (!s.Step()) return std::nullopt;
  OfficerRecord o;
  o.number = s.Text(0);
  o.role = s.Text(1);
  o.pin_salt_hex = s.Text(2);
  o.pin_hash_hex = s.Text(3);
  o.pin_iterations = static_cast<int>(s.Int(4));
  o.failed_attempts = static_cast<int>(s.Int(5));
  o.locked_until_utc_ms = s.Int(6);
  o.active = s.Int(7) != 0;
  return o;
}

constexpr const char* kSelectOfficer =
    "SELECT number, role, pin_salt, pin_hash, pin_iterations, failed_attempts, locked_until_utc_ms, active "
    "FROM officers WHERE number = ?";

}  // namespace

// Runs on the writer thread, inside the batch's BEGIN IMMEDIATE transaction:
// the read, the increment and the commit hold the file's write lock, so two
// connections (the HMI's and the CLI's) never admit on the same count.
Result<PinAttempt> Store::AdmitPinAttempt(const std::string& number, int max_failed_attempts, int64_t lockout_ms,
                                          int64_t now_utc_ms) {
  PinAttempt attempt;
  Status st = impl_->Run([&](sqlite3* db) -> Status {
    attempt = PinAttempt{};
    Stmt q(db, kSelectOfficer);
    q.Bind(1, number);
    std::optional<OfficerRecord> o = ReadOfficer(q);
    if (!q.status().ok()) return q.status();
    if (!o) return Status::Ok();
    if (o->locked_until_utc_ms > now_utc_ms) {
      attempt.officer = std::move(o);
      return Status::Ok();
    }
    if (o->locked_until_utc_ms != 0) {  // the lock ran out: a fresh count
      o->locked_until_utc_ms = 0;
      o->failed_attempts = 0;
    }
    ++o->failed_attempts;
    if (o->failed_attempts >= max_failed_attempts) {
      o->locked_until_utc_ms = now_utc_ms + lockout_ms;
      attempt.locks_now = true;
    }
    Stmt u(db, "UPDATE officers SET failed_attempts = ?, locked_until_utc_ms = ? WHERE number = ?");
    Status s = u.Bind(1, o->failed_attempts).Bind(2, o->locked_until_utc_ms).Bind(3, number).Run();
    if (!s.ok()) return s;
    attempt.admitted = true;
    attempt.officer = std::move(o);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return attempt;
}

Status Store::ClearPinFailures(const std::string& number) {
  return impl_->Run([&](sqlite3* db) {
    Stmt s(db, "UPDATE officers SET failed_attempts = 0, locked_until_utc_ms = 0 WHERE number = ?");
    return s.Bind(1, number).Run();
  });
}

Result<std::optional<OfficerRecord>> Store::GetOfficer(const std::string& number) {
  return impl_->Query([&](sqlite3* db) -> Result<std::optional<OfficerRecord>> {
    Stmt s(db, kSelectOfficer);
    s.Bind(1, number);
    std::optional<OfficerRecord> o = ReadOfficer(s);
    if (!s.status().ok()) return s.status();
    return o;
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
