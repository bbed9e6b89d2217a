// The console store's schema, heartbeats and the views of the depot store's
// tables; users and sessions are in console_users.cc.
#include "sync/console_store.h"

#include <algorithm>
#include <string>

#include "sync/src/sql_db.h"

namespace anpr::sync {
namespace {

// Each entry is one schema version. {INT} and {SERIAL} become each back
// end's 64-bit integer and auto-numbered key.
const char* const kConsoleMigrations[] = {
    // 1: heartbeats, console users and sessions.
    R"sql(
CREATE TABLE heartbeat_latest(
  unit_id TEXT PRIMARY KEY, received_at_utc_ms {INT} NOT NULL, record TEXT NOT NULL);
CREATE TABLE heartbeat_history(
  id {SERIAL}, unit_id TEXT NOT NULL, received_at_utc_ms {INT} NOT NULL, record TEXT NOT NULL);
CREATE INDEX heartbeat_history_unit ON heartbeat_history(unit_id, id);
CREATE TABLE console_users(
  name TEXT PRIMARY KEY, role TEXT NOT NULL, salt_hex TEXT NOT NULL, iterations {INT} NOT NULL,
  hash_hex TEXT NOT NULL, failed_attempts {INT} NOT NULL, locked_until_utc_ms {INT} NOT NULL,
  created_at_utc_ms {INT} NOT NULL);
CREATE TABLE console_sessions(
  token_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL, role TEXT NOT NULL, csrf_token TEXT NOT NULL,
  created_at_utc_ms {INT} NOT NULL, last_seen_utc_ms {INT} NOT NULL);
)sql",
};

std::string ForBackEnd(std::string ddl, bool postgres) {
  auto replace = [&](const std::string& from, const std::string& to) {
    for (std::size_t at = ddl.find(from); at != std::string::npos; at = ddl.find(from, at + to.size()))
      ddl.replace(at, from.size(), to);
  };
  replace("{INT}", postgres ? "bigint" : "INTEGER");
  replace("{SERIAL}", postgres ? "bigserial PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT");
  return ddl;
}

Result<std::vector<HeartbeatRecord>> Heartbeats(const std::vector<sql::Row>& rows) {
  std::vector<HeartbeatRecord> out;
  for (const auto& r : rows) {
    auto hb = ParseHeartbeat(r.Text(1));
    if (!hb.ok()) return Corruption("stored heartbeat does not parse: " + hb.status().message());
    out.push_back({std::move(*hb), r.Int(0)});
  }
  return out;
}

}  // namespace

ConsoleStore::ConsoleStore(std::unique_ptr<sql::Db> db, int heartbeat_history)
    : db_(std::move(db)), heartbeat_history_(std::max(1, heartbeat_history)) {}
ConsoleStore::~ConsoleStore() = default;

Result<std::unique_ptr<ConsoleStore>> ConsoleStore::Open(const std::string& url, int heartbeat_history,
                                                        const StoreKey* key) {
  auto db = sql::Open(url, key);
  if (!db.ok()) return db.status();
  return std::unique_ptr<ConsoleStore>(new ConsoleStore(std::move(*db), heartbeat_history));
}

Status ConsoleStore::Migrate() {
  const bool pg = db_->Kind() == "postgresql";
  return db_->Run([&](sql::Tx& tx) -> Status {
    // Several depot servers may start together on one PostgreSQL database.
    if (pg) {
      if (auto r = tx.Query("SELECT pg_advisory_xact_lock(7020586442956062723)"); !r.ok()) return r.status();
    }
    if (Status s = tx.Exec(ForBackEnd("CREATE TABLE IF NOT EXISTS console_schema_migrations("
                                      "version {INT} PRIMARY KEY, applied_at_utc_ms {INT} NOT NULL)",
                                      pg));
        !s.ok())
      return s;
    auto cur = tx.Query("SELECT COALESCE(MAX(version),0) FROM console_schema_migrations");
    if (!cur.ok()) return cur.status();
    const int64_t have = cur->at(0).Int(0);
    const int64_t n = static_cast<int64_t>(std::size(kConsoleMigrations));
    for (int64_t v = have + 1; v <= n; ++v) {
      if (Status s = tx.Exec(ForBackEnd(kConsoleMigrations[v - 1], pg)); !s.ok())
        return Internal("console migration " + std::to_string(v) + ": " + s.message());
      if (auto r = tx.Query("INSERT INTO console_schema_migrations VALUES($1,$2)", {v, NowUtcMs()}); !r.ok())
        return r.status();
    }
    return Status::Ok();
  });
}

Status ConsoleStore::RecordHeartbeat(const Heartbeat& hb, int64_t received_at_utc_ms) {
  const std::string record = EncodeHeartbeat(hb);
  return db_->Run([&](sql::Tx& tx) -> Status {
    auto up = tx.Query(
        "INSERT INTO heartbeat_latest(unit_id,received_at_utc_ms,record) VALUES($1,$2,$3) "
        "ON CONFLICT(unit_id) DO UPDATE SET received_at_utc_ms=excluded.received_at_utc_ms, record=excluded.record",
        {hb.unit_id, received_at_utc_ms, record});
    if (!up.ok()) return up.status();
    auto add = tx.Query("INSERT INTO heartbeat_history(unit_id,received_at_utc_ms,record) VALUES($1,$2,$3)",
                        {hb.unit_id, received_at_utc_ms, record});
    if (!add.ok()) return add.status();
    // Bounded: everything below the vehicle's heartbeat_history_-th newest goes.
    auto trim = tx.Query(
        "DELETE FROM heartbeat_history WHERE unit_id=$1 AND id <= (SELECT id FROM heartbeat_history "
        "WHERE unit_id=$1 ORDER BY id DESC LIMIT 1 OFFSET $2)",
        {hb.unit_id, int64_t{heartbeat_history_}});
    return trim.status();
  });
}

Result<std::vector<HeartbeatRecord>> ConsoleStore::LatestHeartbeats() {
  std::vector<sql::Row> rows;
  Status s = db_->Run([&](sql::Tx& tx) -> Status {
    auto r = tx.Query("SELECT received_at_utc_ms, record FROM heartbeat_latest ORDER BY unit_id");
    if (r.ok()) rows = std::move(*r);
    return r.status();
  });
  if (!s.ok()) return s;
  return Heartbeats(rows);
}

Result<std::vector<HeartbeatRecord>> ConsoleStore::HeartbeatHistory(const std::string& vehicle, std::size_t limit) {
  std::vector<sql::Row> rows;
  Status s = db_->Run([&](sql::Tx& tx) -> Status {
    auto r = tx.Query(
        "SELECT received_at_utc_ms, record FROM heartbeat_history WHERE unit_id=$1 ORDER BY id DESC LIMIT $2",
        {vehicle, static_cast<int64_t>(limit)});
    if (r.ok()) rows = std::move(*r);
    return r.status();
  });
  if (!s.ok()) return s;
  return Heartbeats(rows);
}

Result<std::vector<HitRow>> ConsoleStore::RecentHits(std::size_t limit) {
  std::vector<HitRow> out;
  Status s = db_->Run([&](sql::Tx& tx) -> Status {
    auto r = tx.Query(
        "SELECT uuid, unit_id, read_uuid, list_name, entry_vrm, priority, outcome, raised_at_utc_ms, "
        "outcome_at_utc_ms FROM hits ORDER BY CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, "
        "list_name, raised_at_utc_ms DESC LIMIT $1",
        {static_cast<int64_t>(limit)});
    if (!r.ok()) return r.status();
    for (const auto& row : *r)
      out.push_back({row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4), row.Text(5), row.Text(6),
                     row.Int(7), row.Int(8)});
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<ListAccuracy>> ConsoleStore::AccuracyByList() {
  std::vector<ListAccuracy> out;
  Status s = db_->Run([&](sql::Tx& tx) -> Status {
    auto r = tx.Query(
        "SELECT list_name, SUM(CASE WHEN outcome<>'pending' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN outcome='misread' THEN 1 ELSE 0 END) FROM hits GROUP BY list_name ORDER BY list_name");
    if (!r.ok()) return r.status();
    for (const auto& row : *r) out.push_back({row.Text(0), row.Int(1), row.Int(2)});
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<AuditRow>> ConsoleStore::Audit(const AuditFilter& f) {
  std::vector<AuditRow> out;
  Status s = db_->Run([&](sql::Tx& tx) -> Status {
    // One query per kind, each filtered in SQL and newest first; merged below.
    const std::vector<sql::Value> p = {f.who, f.from_utc_ms, f.to_utc_ms, static_cast<int64_t>(f.limit)};
    auto searches = tx.Query(
        "SELECT at_utc_ms, investigator, vrm, results, reason FROM search_audit WHERE ($1='' OR investigator=$1) "
        "AND at_utc_ms>=$2 AND at_utc_ms<$3 ORDER BY at_utc_ms DESC LIMIT $4",
        p);
    if (!searches.ok()) return searches.status();
    for (const auto& r : *searches)
      out.push_back({"search", r.Int(0), r.Text(1),
                     "search " + r.Text(2) + " (" + r.Text(3) + " results)", r.Text(4), ""});
    auto security = tx.Query(
        "SELECT at_utc_ms, principal, what, remote FROM security_events WHERE ($1='' OR principal=$1) "
        "AND at_utc_ms>=$2 AND at_utc_ms<$3 ORDER BY at_utc_ms DESC LIMIT $4",
        p);
    if (!security.ok()) return security.status();
    for (const auto& r : *security) out.push_back({"security", r.Int(0), r.Text(1), r.Text(2), r.Text(3), ""});
    auto car = tx.Query(
        "SELECT at_utc_ms, actor, action, detail, unit_id FROM audit WHERE ($1='' OR actor=$1) "
        "AND at_utc_ms>=$2 AND at_utc_ms<$3 ORDER BY at_utc_ms DESC LIMIT $4",
        p);
    if (!car.ok()) return car.status();
    for (const auto& r : *car) out.push_back({"car", r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4)});
    return Status::Ok();
  });
  if (!s.ok()) return s;
  std::stable_sort(out.begin(), out.end(), [](const AuditRow& a, const AuditRow& b) { return a.at_utc_ms > b.at_utc_ms; });
  if (out.size() > f.limit) out.resize(f.limit);
  return out;
}

Result<std::vector<HotlistVersionRow>> ConsoleStore::HotlistVersions(std::size_t limit) {
  std::vector<HotlistVersionRow> out;
  Status s = db_->Run([&](sql::Tx& tx) -> Status {
    auto r = tx.Query(
        "SELECT list_name, version, published_at_utc_ms, entries, publisher FROM hotlist_versions "
        "ORDER BY version DESC LIMIT $1",
        {static_cast<int64_t>(limit)});
    if (!r.ok()) return r.status();
    for (const auto& row : *r) out.push_back({row.Text(0), row.Int(1), row.Int(2), row.Int(3), row.Text(4)});
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace anpr::sync
