// Internal: SQLite helpers of the store (errors as Status, a prepared
// statement that finalizes itself).
#pragma once

#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vehicle/records/status.h"

namespace anpr::store_internal {

inline Status SqlError(sqlite3* db, int rc, const std::string& what) {
  const std::string msg = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_FULL: return {StatusCode::kResourceExhausted, "store full: " + msg};
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Corruption(msg);
    case SQLITE_CONSTRAINT: return InvalidArgument(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Unavailable(msg);
    default: return IoError(msg);
  }
}

inline Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  Status s = SqlError(nullptr, rc, std::string(sql).substr(0, 60));
  return {s.code(), std::string(sql).substr(0, 60) + ": " + msg};
}

// A prepared statement; binds by 1-based index, steps, reads columns.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v3(db, sql, -1, 0, &stmt_, nullptr);
    if (rc_ != SQLITE_OK) error_ = SqlError(db, rc_, std::string("prepare ") + std::string(sql).substr(0, 60));
  }
  // Reuses the statement kept in *slot (prepared on first use, finalized by
  // the slot's owner); reset and unbound again when this Stmt goes. A null
  // slot prepares a statement of its own, as above.
  Stmt(sqlite3* db, sqlite3_stmt** slot, const char* sql) : db_(db), owned_(slot == nullptr) {
    if (owned_) {
      rc_ = sqlite3_prepare_v3(db, sql, -1, 0, &stmt_, nullptr);
    } else if (*slot == nullptr) {
      rc_ = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, nullptr);
    }
    if (!owned_) stmt_ = *slot;
    if (rc_ != SQLITE_OK) error_ = SqlError(db, rc_, std::string("prepare ") + std::string(sql).substr(0, 60));
  }
  ~Stmt() {
    if (owned_) {
      sqlite3_finalize(stmt_);
    } else if (stmt_) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);  // no pointer to the caller's blobs stays behind
    }
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  const Status& prepare_status() const { return error_; }
  Stmt& Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); return *this; }
  Stmt& Bind(int i, int v) { sqlite3_bind_int(stmt_, i, v); return *this; }
  Stmt& Bind(int i, double v) {
    if (std::isnan(v)) sqlite3_bind_null(stmt_, i);
    else sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Stmt& Bind(int i, const std::string& v) {
    // Copied: callers often pass temporaries.
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string(v)); }
  // Not copied: `v` must stay alive (and unchanged) until the statement has run.
  Stmt& BindStatic(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
    return *this;
  }
  // Not copied: `data` must stay alive until the statement has run.
  Stmt& BindBlob(int i, const void* data, size_t size) {
    sqlite3_bind_blob64(stmt_, i, size ? data : "", size, SQLITE_STATIC);
    return *this;
  }
  Stmt& Bind(int i, const std::optional<int64_t>& v) {
    if (v) sqlite3_bind_int64(stmt_, i, *v);
    else sqlite3_bind_null(stmt_, i);
    return *this;
  }
  Stmt& BindNull(int i) { sqlite3_bind_null(stmt_, i); return *this; }

  // SQLITE_ROW -> true; SQLITE_DONE -> false; anything else sets status().
  bool Step() {
    if (!error_.ok()) return false;
    rc_ = sqlite3_step(stmt_);
    if (rc_ == SQLITE_ROW) return true;
    if (rc_ != SQLITE_DONE) error_ = SqlError(db_, rc_, "step");
    return false;
  }
  // Runs a statement that returns no rows.
  Status Run() {
    Step();
    return error_;
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  const Status& status() const { return error_; }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  double Real(int col) const { return IsNull(col) ? 0.0 / 0.0 : sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  std::vector<uint8_t> Blob(int col) const {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
    const int n = sqlite3_column_bytes(stmt_, col);
    return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>();
  }
  std::optional<int64_t> OptInt(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Int(col);
  }

 private:
  sqlite3* db_;
  bool owned_ = true;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
  Status error_;
};

}  // namespace anpr::store_internal
