#include "vehicle/records/sqlite_stmt.h"

#include <cmath>
#include <limits>

namespace anpr {

Status SqliteError(sqlite3* db, int rc, const std::string& what) {
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

Status SqliteExec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  Status s = SqliteError(nullptr, rc, std::string(sql).substr(0, 60));
  return {s.code(), std::string(sql).substr(0, 60) + ": " + msg};
}

namespace {
std::string PrepareWhat(const char* sql) { return "prepare " + std::string(sql).substr(0, 60); }
}  // namespace

Stmt::Stmt(sqlite3* db, const char* sql) : db_(db) {
  const int rc = sqlite3_prepare_v3(db, sql, -1, 0, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt_);  // null after a failure; never used
    stmt_ = nullptr;
    prepare_status_ = SqliteError(db, rc, PrepareWhat(sql));
  } else if (stmt_ == nullptr) {
    // Only a comment or white space: nothing to run, which is a caller's bug.
    prepare_status_ = InvalidArgument(PrepareWhat(sql) + ": no statement");
  }
  status_ = prepare_status_;
}

Stmt::Stmt(sqlite3* db, sqlite3_stmt** slot, const char* sql) : db_(db), owned_(slot == nullptr) {
  int rc = SQLITE_OK;
  if (owned_) {
    rc = sqlite3_prepare_v3(db, sql, -1, 0, &stmt_, nullptr);
  } else if (*slot == nullptr) {
    rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, nullptr);
  }
  if (!owned_) stmt_ = *slot;
  if (rc != SQLITE_OK) {
    if (owned_) sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    prepare_status_ = SqliteError(db, rc, PrepareWhat(sql));
  } else if (stmt_ == nullptr) {
    prepare_status_ = InvalidArgument(PrepareWhat(sql) + ": no statement");
  }
  status_ = prepare_status_;
}

Stmt::~Stmt() {
  if (owned_) {
    sqlite3_finalize(stmt_);
  } else if (stmt_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);  // no pointer to the caller's blobs stays behind
  }
}

Stmt& Stmt::Bound(int rc) {
  if (rc != SQLITE_OK && status_.ok()) status_ = SqliteError(db_, rc, "bind");
  return *this;
}

Stmt& Stmt::Bind(int i, int64_t v) { return stmt_ ? Bound(sqlite3_bind_int64(stmt_, i, v)) : *this; }

Stmt& Stmt::Bind(int i, int v) { return stmt_ ? Bound(sqlite3_bind_int(stmt_, i, v)) : *this; }

Stmt& Stmt::Bind(int i, double v) {
  if (!stmt_) return *this;
  return Bound(std::isnan(v) ? sqlite3_bind_null(stmt_, i) : sqlite3_bind_double(stmt_, i, v));
}

Stmt& Stmt::Bind(int i, const std::string& v) {
  if (!stmt_) return *this;
  return Bound(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

Stmt& Stmt::Bind(int i, const std::vector<uint8_t>& v) {
  if (!stmt_) return *this;
  // A zero-length blob, not NULL, for an empty vector (data() may be null).
  return Bound(sqlite3_bind_blob64(stmt_, i, v.empty() ? static_cast<const void*>("") : v.data(), v.size(),
                                   SQLITE_TRANSIENT));
}

Stmt& Stmt::Bind(int i, const std::optional<int64_t>& v) {
  if (!stmt_) return *this;
  return Bound(v ? sqlite3_bind_int64(stmt_, i, *v) : sqlite3_bind_null(stmt_, i));
}

Stmt& Stmt::BindStatic(int i, const std::string& v) {
  if (!stmt_) return *this;
  return Bound(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8));
}

Stmt& Stmt::BindBlob(int i, const void* data, size_t size) {
  if (!stmt_) return *this;
  return Bound(sqlite3_bind_blob64(stmt_, i, size ? data : "", size, SQLITE_STATIC));
}

Stmt& Stmt::BindNull(int i) { return stmt_ ? Bound(sqlite3_bind_null(stmt_, i)) : *this; }

bool Stmt::Step() {
  if (!status_.ok()) return false;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) status_ = SqliteError(db_, rc, "step");
  return false;
}

Status Stmt::Run() {
  Step();
  return status_;
}

void Stmt::Reset() {
  if (stmt_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  status_ = prepare_status_;
}

int64_t Stmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

bool Stmt::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

double Stmt::Real(int col) const {
  return IsNull(col) ? std::numeric_limits<double>::quiet_NaN() : sqlite3_column_double(stmt_, col);
}

std::string Stmt::Text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
           : std::string();
}

std::vector<uint8_t> Stmt::Blob(int col) const {
  const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, col));
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>();
}

std::optional<int64_t> Stmt::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

}  // namespace anpr
