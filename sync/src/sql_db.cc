// The two back ends of sync/src/sql_db.h: one SQLite connection (WAL, a busy
// timeout, as the depot store opens the same file) or one PostgreSQL
// connection, each behind a mutex. The console's traffic is a few people and
// a heartbeat a minute per car; one connection is enough.
#include "sync/src/sql_db.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include "sync/depot_store.h"
#include "vehicle/records/mutex.h"

namespace anpr::sync::sql {

int64_t Row::Int(std::size_t i) const { return OptInt(i).value_or(0); }

std::optional<int64_t> Row::OptInt(std::size_t i) const {
  const auto& c = cells.at(i);
  if (!c || c->empty()) return std::nullopt;
  return std::strtoll(c->c_str(), nullptr, 10);
}

namespace {

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(sqlite3* db) : db_(db) {}

  Result<std::vector<Row>> Query(const std::string& sql, const std::vector<Value>& params) override {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return Error("prepare");
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(st, sqlite3_finalize);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i + 1);
      if (const auto* n = std::get_if<int64_t>(&params[i])) sqlite3_bind_int64(st, at, *n);
      else if (const auto* t = std::get_if<std::string>(&params[i]))
        sqlite3_bind_text(st, at, t->data(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
      else sqlite3_bind_null(st, at);
    }
    std::vector<Row> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      Row r;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        if (sqlite3_column_type(st, c) == SQLITE_NULL) {
          r.cells.emplace_back(std::nullopt);
        } else {
          const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
          r.cells.emplace_back(std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, c))));
        }
      }
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return Error(sql.substr(0, 60));
    return out;
  }

  Status Exec(const std::string& script) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : "unknown error";
      sqlite3_free(err);
      return IoError("sqlite: " + m);
    }
    return Status::Ok();
  }

 private:
  Status Error(const std::string& what) {
    const int code = sqlite3_errcode(db_);
    std::string m = "sqlite: " + std::string(sqlite3_errmsg(db_)) + " (" + what + ")";
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return Unavailable(m);
    if (code == SQLITE_CONSTRAINT) return {StatusCode::kAlreadyExists, m};
    return IoError(m);
  }
  sqlite3* db_;
};

class SqliteDb final : public Db {
 public:
  SqliteDb(sqlite3* db, std::shared_ptr<EncryptedVfs> vfs) : vfs_(std::move(vfs)), db_(db) {}
  ~SqliteDb() override { sqlite3_close(db_); }
  std::string Kind() const override { return "sqlite"; }

  Status Run(const std::function<Status(Tx&)>& body) override {
    MutexLock lock(&mu_);
    SqliteTx tx(db_);
    if (Status s = tx.Exec("BEGIN IMMEDIATE"); !s.ok()) return Unavailable(s.message());
    Status s = body(tx);
    if (s.ok()) s = tx.Exec("COMMIT");
    if (!s.ok()) tx.Exec("ROLLBACK").IgnoreError();  // the failure is returned
    return s;
  }

 private:
  Mutex mu_;
  const std::shared_ptr<EncryptedVfs> vfs_;  // null: plain; outlives db_ (closed in the destructor)
  sqlite3* db_ ANPR_PT_GUARDED_BY(mu_);
};

class PgTx final : public Tx {
 public:
  explicit PgTx(PGconn* c) : c_(c) {}

  Result<std::vector<Row>> Query(const std::string& sql, const std::vector<Value>& params) override {
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (const auto* n = std::get_if<int64_t>(&params[i])) text[i] = std::to_string(*n);
      else if (const auto* t = std::get_if<std::string>(&params[i])) text[i] = *t;
      else continue;
      values[i] = text[i].c_str();
    }
    PGresult* r = PQexecParams(c_, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(), nullptr,
                               nullptr, 0);
    std::unique_ptr<PGresult, void (*)(PGresult*)> guard(r, PQclear);
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error(r, sql);
    std::vector<Row> out;
    for (int i = 0; i < PQntuples(r); ++i) {
      Row row;
      for (int c = 0; c < PQnfields(r); ++c)
        row.cells.push_back(PQgetisnull(r, i, c) ? std::nullopt
                                                 : std::optional<std::string>(PQgetvalue(r, i, c)));
      out.push_back(std::move(row));
    }
    return out;
  }

  Status Exec(const std::string& script) override {
    PGresult* r = PQexec(c_, script.c_str());
    std::unique_ptr<PGresult, void (*)(PGresult*)> guard(r, PQclear);
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error(r, script);
    return Status::Ok();
  }

 private:
  Status Error(PGresult* r, const std::string& what) {
    std::string m = "postgresql: " + std::string(r ? PQresultErrorMessage(r) : PQerrorMessage(c_));
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    m += " (" + what.substr(0, 60) + ")";
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    if (PQstatus(c_) != CONNECTION_OK) return Unavailable(m);
    if (state && std::string(state) == "23505") return {StatusCode::kAlreadyExists, m};
    return IoError(m);
  }
  PGconn* c_;
};

class PgDb final : public Db {
 public:
  explicit PgDb(PGconn* c) : c_(c) {}
  ~PgDb() override { PQfinish(c_); }
  std::string Kind() const override { return "postgresql"; }

  Status Run(const std::function<Status(Tx&)>& body) override {
    MutexLock lock(&mu_);
    if (PQstatus(c_) != CONNECTION_OK) PQreset(c_);
    PgTx tx(c_);
    if (Status s = tx.Exec("BEGIN"); !s.ok()) return s;
    Status s = body(tx);
    if (s.ok()) s = tx.Exec("COMMIT");
    if (!s.ok()) tx.Exec("ROLLBACK").IgnoreError();  // the failure is returned
    return s;
  }

 private:
  Mutex mu_;
  PGconn* c_ ANPR_PT_GUARDED_BY(mu_);
};

Result<std::unique_ptr<Db>> OpenSqlite(const std::string& path, const StoreKey* key) {
  // The depot store's rule: a missing or wrong key is refused before SQLite
  // touches the file.
  auto vfs = VfsForDb(path, key, kDepotSqlitePageBytes);
  if (!vfs.ok()) return Status(vfs.status().code(), "depot database " + vfs.status().message());
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      vfs.value() ? vfs.value()->name() : nullptr) != SQLITE_OK) {
    std::string m = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return IoError("open " + path + ": " + m);
  }
  sqlite3_busy_timeout(db, 10000);
  if (vfs.value()) {
    if (Status s = ConfigureEncrypted(db, kDepotSqlitePageBytes); !s.ok()) {
      sqlite3_close(db);
      return IoError("open " + path + ": " + s.message());
    }
  }
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"}) {
    if (sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
      std::string m = sqlite3_errmsg(db);
      sqlite3_close(db);
      return IoError("open " + path + ": " + m);
    }
  }
  return std::unique_ptr<Db>(new SqliteDb(db, std::move(vfs).value()));
}

}  // namespace

Result<std::unique_ptr<Db>> Open(const std::string& url, const StoreKey* key) {
  if (IsPostgresUrl(url)) {
    if (key) return InvalidArgument("a key file encrypts an SQLite depot only; PostgreSQL's storage is its own");
    PGconn* c = PQconnectdb(url.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      std::string m = PQerrorMessage(c);
      PQfinish(c);
      while (!m.empty() && m.back() == '\n') m.pop_back();
      return Unavailable("postgresql: cannot connect: " + m);
    }
    PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
    return std::unique_ptr<Db>(new PgDb(c));
  }
  if (url.empty()) return InvalidArgument("no database given");
  return OpenSqlite(url.rfind("sqlite:", 0) == 0 ? url.substr(7) : url, key);
}

}  // namespace anpr::sync::sql
