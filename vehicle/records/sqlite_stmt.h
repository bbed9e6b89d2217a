// SQLite the project's way: results as Status and a prepared statement that
// finalizes itself. The one wrapper every SQLite user goes through (the
// on-board store, the sync outbox, the depot's embedded store).
//
// A statement that failed to prepare is never run: its binds do nothing,
// Step() returns false and status() (like prepare_status() and Run()) holds
// the prepare error. Not thread-safe: a Stmt belongs to the thread using its
// connection.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vehicle/records/status.h"

namespace anpr {

// The Status for SQLite result code `rc` (extended codes allowed), its
// message prefixed by `what`; `db` (may be null) supplies SQLite's message.
// SQLITE_FULL is kResourceExhausted, CORRUPT/NOTADB kCorruption, CONSTRAINT
// kInvalidArgument, BUSY/LOCKED kUnavailable, anything else kIoError.
Status SqliteError(sqlite3* db, int rc, const std::string& what);

// Runs SQL that returns no rows (one or more statements, sqlite3_exec).
Status SqliteExec(sqlite3* db, const char* sql);

// A prepared statement: binds by 1-based index, steps, reads columns by
// 0-based index.
class Stmt {
 public:
  // Prepares `sql` on `db`; the statement is finalized with this Stmt.
  Stmt(sqlite3* db, const char* sql);
  // Reuses the statement kept in *slot (prepared on first use, finalized by
  // the slot's owner); reset and unbound again when this Stmt goes. A null
  // slot prepares a statement of its own, as above.
  Stmt(sqlite3* db, sqlite3_stmt** slot, const char* sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Ok, or why the statement could not be prepared.
  const Status& prepare_status() const { return prepare_status_; }

  // Binds; a failed bind makes the next Step() fail with its error.
  Stmt& Bind(int i, int64_t v);
  Stmt& Bind(int i, int v);
  // NaN binds NULL (an unknown position or speed).
  Stmt& Bind(int i, double v);
  // Copied: callers often pass temporaries.
  Stmt& Bind(int i, const std::string& v);
  Stmt& Bind(int i, const char* v) { return Bind(i, std::string(v)); }
  // A blob, copied.
  Stmt& Bind(int i, const std::vector<uint8_t>& v);
  // nullopt binds NULL.
  Stmt& Bind(int i, const std::optional<int64_t>& v);
  // Not copied: `v` must stay alive (and unchanged) until the statement has
  // run (is reset, rebound or gone).
  Stmt& BindStatic(int i, const std::string& v);
  // A blob, not copied: `data` must stay alive until the statement has run.
  Stmt& BindBlob(int i, const void* data, size_t size);
  Stmt& BindNull(int i);

  // SQLITE_ROW -> true; SQLITE_DONE -> false; anything else (or a failed
  // prepare or bind) -> false with the error in status().
  bool Step();
  // Runs a statement that returns no rows; its status().
  Status Run();
  // Rewinds the statement and clears its bindings and a step's error, to run
  // it again. A prepare error stays.
  void Reset();
  // Ok, or the first error since preparing (or the last Reset).
  const Status& status() const { return status_; }

  // Columns of the current row (after Step() returned true).
  int64_t Int(int col) const;
  bool IsNull(int col) const;
  // NULL reads as NaN.
  double Real(int col) const;
  // NULL reads as "".
  std::string Text(int col) const;
  // NULL reads as empty.
  std::vector<uint8_t> Blob(int col) const;
  std::optional<int64_t> OptInt(int col) const;

 private:
  // Records the first failed bind so that Step() reports it.
  Stmt& Bound(int rc);

  sqlite3* db_;
  bool owned_ = true;
  sqlite3_stmt* stmt_ = nullptr;
  Status prepare_status_;
  Status status_;
};

}  // namespace anpr
