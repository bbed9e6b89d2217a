#include "sync/sqlite_outbox.h"

#include <sqlite3.h>

#include "vehicle/records/sqlite_stmt.h"

namespace anpr::sync {
namespace {

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS reads(
  uuid TEXT PRIMARY KEY, captured_at_utc_ms INTEGER NOT NULL, record TEXT NOT NULL,
  plate_jpeg BLOB, overview_jpeg BLOB, synced_at_utc_ms INTEGER);
CREATE INDEX IF NOT EXISTS reads_unsynced ON reads(captured_at_utc_ms) WHERE synced_at_utc_ms IS NULL;
CREATE TABLE IF NOT EXISTS hits(
  uuid TEXT PRIMARY KEY, raised_at_utc_ms INTEGER NOT NULL, record TEXT NOT NULL, synced_at_utc_ms INTEGER);
CREATE TABLE IF NOT EXISTS audit(
  uuid TEXT PRIMARY KEY, at_utc_ms INTEGER NOT NULL, record TEXT NOT NULL, synced_at_utc_ms INTEGER);
CREATE TABLE IF NOT EXISTS hotlist_entries(
  list_name TEXT NOT NULL, vrm TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY(list_name, vrm));
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quarantine(
  kind TEXT NOT NULL, uuid TEXT NOT NULL, reason TEXT NOT NULL, at_utc_ms INTEGER NOT NULL,
  PRIMARY KEY(kind, uuid));
)sql";

std::string HotlistEntryJson(const WireHotlistEntry& e) {
  HotlistUpdate u;
  u.lists.push_back(HotlistDelta{"x", 0, 0, true, {e}, {}});
  return EncodeHotlistUpdate(u);
}

}  // namespace

Result<std::unique_ptr<SqliteOutbox>> SqliteOutbox::Open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    std::string m = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return IoError("open outbox " + path + ": " + m);
  }
  sqlite3_busy_timeout(db, 5000);
  std::unique_ptr<SqliteOutbox> box(new SqliteOutbox(db, path));
  MutexLock lock(&box->mu_);
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", kSchema})
    if (auto s = box->Exec(sql); !s.ok()) return s;
  return box;
}

SqliteOutbox::~SqliteOutbox() { sqlite3_close(db_); }

Status SqliteOutbox::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string m = err ? err : "unknown";
    sqlite3_free(err);
    return IoError(path_ + ": " + m);
  }
  return Status::Ok();
}

Status SqliteOutbox::Err(const std::string& what) { return IoError(path_ + ": " + what + ": " + sqlite3_errmsg(db_)); }

Status SqliteOutbox::AddRead(const Read& read) {
  MutexLock lock(&mu_);
  Stmt st(db_, "INSERT INTO reads(uuid,captured_at_utc_ms,record,plate_jpeg,overview_jpeg) VALUES(?,?,?,?,?)");
  st.Bind(1, read.uuid).Bind(2, read.captured_at_utc_ms).Bind(3, EncodeRead(read, false));
  st.Bind(4, read.plate_jpeg).Bind(5, read.overview_jpeg);
  if (!st.Run().ok()) return Err("add read");
  return Status::Ok();
}

Status SqliteOutbox::AddHit(const Hit& hit) {
  MutexLock lock(&mu_);
  Stmt st(db_, "INSERT INTO hits(uuid,raised_at_utc_ms,record) VALUES(?,?,?)");
  if (!st.Bind(1, hit.uuid).Bind(2, hit.raised_at_utc_ms).Bind(3, EncodeHit(hit)).Run().ok())
    return Err("add hit");
  return Status::Ok();
}

Status SqliteOutbox::AddAudit(const WireAuditEntry& entry) {
  MutexLock lock(&mu_);
  Stmt st(db_, "INSERT INTO audit(uuid,at_utc_ms,record) VALUES(?,?,?)");
  if (!st.Bind(1, entry.uuid).Bind(2, entry.at_utc_ms).Bind(3, EncodeAudit({entry})).Run().ok())
    return Err("add audit");
  return Status::Ok();
}

Status SqliteOutbox::AddAll(const std::vector<Read>& reads, const std::vector<Hit>& hits,
                            const std::vector<WireAuditEntry>& audit) {
  MutexLock lock(&mu_);
  if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Stmt r(db_, "INSERT INTO reads(uuid,captured_at_utc_ms,record,plate_jpeg,overview_jpeg) VALUES(?,?,?,?,?)");
  Stmt h(db_, "INSERT INTO hits(uuid,raised_at_utc_ms,record) VALUES(?,?,?)");
  Stmt a(db_, "INSERT INTO audit(uuid,at_utc_ms,record) VALUES(?,?,?)");
  bool ok = true;
  for (const auto& x : reads) {
    r.Reset();
    r.Bind(1, x.uuid).Bind(2, x.captured_at_utc_ms).Bind(3, EncodeRead(x, false)).Bind(4, x.plate_jpeg);
    ok = ok && r.Bind(5, x.overview_jpeg).Run().ok();
  }
  for (const auto& x : hits) {
    h.Reset();
    ok = ok && h.Bind(1, x.uuid).Bind(2, x.raised_at_utc_ms).Bind(3, EncodeHit(x)).Run().ok();
  }
  for (const auto& x : audit) {
    a.Reset();
    ok = ok && a.Bind(1, x.uuid).Bind(2, x.at_utc_ms).Bind(3, EncodeAudit({x})).Run().ok();
  }
  if (!ok) {
    Status e = Err("add records");
    Exec("ROLLBACK").IgnoreError();  // the failure is returned
    return e;
  }
  return Exec("COMMIT");
}

Status SqliteOutbox::SetHitOutcome(const std::string& hit_uuid, HitOutcome outcome, const std::string& by,
                                   int64_t at_utc_ms) {
  MutexLock lock(&mu_);
  Stmt get(db_, "SELECT record FROM hits WHERE uuid=?");
  get.Bind(1, hit_uuid);
  if (!get.Step()) return get.status().ok() ? NotFound("hit " + hit_uuid) : Err("find hit");
  auto hit = ParseHit(get.Text(0));
  if (!hit.ok()) return hit.status();
  hit->outcome = outcome;
  hit->outcome_by = by;
  hit->outcome_at_utc_ms = at_utc_ms;
  Stmt st(db_, "UPDATE hits SET record=?, synced_at_utc_ms=NULL WHERE uuid=?");
  if (!st.Bind(1, EncodeHit(*hit)).Bind(2, hit_uuid).Run().ok()) return Err("set outcome");
  return Status::Ok();
}

Result<std::vector<Hit>> SqliteOutbox::UnsyncedHits(std::size_t limit) {
  MutexLock lock(&mu_);
  Stmt st(db_, "SELECT record FROM hits WHERE synced_at_utc_ms IS NULL AND uuid NOT IN "
               "(SELECT uuid FROM quarantine WHERE kind='hit') ORDER BY raised_at_utc_ms, uuid LIMIT ?");
  st.Bind(1, static_cast<int64_t>(limit));
  std::vector<Hit> out;
  while (st.Step()) {
    auto h = ParseHit(st.Text(0));
    if (!h.ok()) return Corruption(path_ + ": stored hit: " + h.status().message());
    out.push_back(std::move(*h));
  }
  if (!st.status().ok()) return Err("unsynced hits");
  return out;
}

Result<std::vector<Read>> SqliteOutbox::UnsyncedReads(std::size_t limit) {
  MutexLock lock(&mu_);
  Stmt st(db_,
          "SELECT record, plate_jpeg, overview_jpeg FROM reads WHERE synced_at_utc_ms IS NULL "
          "AND uuid NOT IN (SELECT uuid FROM quarantine WHERE kind='read') ORDER BY captured_at_utc_ms, uuid LIMIT ?");
  st.Bind(1, static_cast<int64_t>(limit));
  std::vector<Read> out;
  while (st.Step()) {
    auto r = ParseRead(st.Text(0));
    if (!r.ok()) return Corruption(path_ + ": stored read: " + r.status().message());
    r->plate_jpeg = st.Blob(1);
    r->overview_jpeg = st.Blob(2);
    out.push_back(std::move(*r));
  }
  if (!st.status().ok()) return Err("unsynced reads");
  return out;
}

Result<std::vector<WireAuditEntry>> SqliteOutbox::UnsyncedAudit(std::size_t limit) {
  MutexLock lock(&mu_);
  Stmt st(db_, "SELECT record FROM audit WHERE synced_at_utc_ms IS NULL "
               "AND uuid NOT IN (SELECT uuid FROM quarantine WHERE kind='audit') ORDER BY at_utc_ms, uuid LIMIT ?");
  st.Bind(1, static_cast<int64_t>(limit));
  std::vector<WireAuditEntry> out;
  while (st.Step()) {
    auto a = ParseAudit(st.Text(0));
    if (!a.ok() || a->size() != 1) return Corruption(path_ + ": stored audit entry does not parse");
    out.push_back(std::move((*a)[0]));
  }
  if (!st.status().ok()) return Err("unsynced audit");
  return out;
}

Result<UnsyncedCounts> SqliteOutbox::CountUnsynced() {
  MutexLock lock(&mu_);
  // Per table: the unsynced records waiting to go, and those set aside.
  auto count = [](const char* table, const char* kind, bool set_aside) {
    return std::string("(SELECT COUNT(*) FROM ") + table + " WHERE synced_at_utc_ms IS NULL AND uuid " +
           (set_aside ? "IN" : "NOT IN") + " (SELECT uuid FROM quarantine WHERE kind='" + kind + "'))";
  };
  const std::string sql = "SELECT " + count("hits", "hit", false) + "," + count("reads", "read", false) + "," +
                          count("audit", "audit", false) + "," + count("hits", "hit", true) + "+" +
                          count("reads", "read", true) + "+" + count("audit", "audit", true);
  Stmt st(db_, sql.c_str());
  if (!st.Step()) return Err("count unsynced");
  UnsyncedCounts c;
  c.hits = st.Int(0);
  c.reads = st.Int(1);
  c.audit = st.Int(2);
  c.quarantined = st.Int(3);
  return c;
}

Status SqliteOutbox::Quarantine(RecordKind kind, const std::string& uuid, const std::string& reason) {
  if (kind == RecordKind::kWanted || kind == RecordKind::kHold) return Status::Ok();  // this outbox holds none: unknown UUIDs are ignored
  MutexLock lock(&mu_);
  Stmt st(db_, "INSERT OR IGNORE INTO quarantine(kind,uuid,reason,at_utc_ms) VALUES(?,?,?,?)");
  if (!st.Bind(1, RecordKindName(kind)).Bind(2, uuid).Bind(3, reason).Bind(4, NowUtcMs()).Run().ok())
    return Err("quarantine");
  return Status::Ok();
}

Status SqliteOutbox::MarkSynced(RecordKind kind, const std::vector<std::string>& uuids, int64_t synced_at_utc_ms) {
  if (kind == RecordKind::kWanted || kind == RecordKind::kHold) return Status::Ok();  // this outbox holds none: unknown UUIDs are ignored
  MutexLock lock(&mu_);
  const char* sql = kind == RecordKind::kHit    ? "UPDATE hits SET synced_at_utc_ms=? WHERE uuid=?"
                    : kind == RecordKind::kRead ? "UPDATE reads SET synced_at_utc_ms=? WHERE uuid=?"
                                                : "UPDATE audit SET synced_at_utc_ms=? WHERE uuid=?";
  if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Stmt st(db_, sql);
  for (const auto& u : uuids) {
    st.Reset();
    if (!st.Bind(1, synced_at_utc_ms).Bind(2, u).Run().ok()) {
      Status e = Err("mark synced");
      Exec("ROLLBACK").IgnoreError();  // the failure is returned
      return e;
    }
  }
  return Exec("COMMIT");
}

Result<int64_t> SqliteOutbox::HotlistVersion() {
  MutexLock lock(&mu_);
  Stmt st(db_, "SELECT value FROM meta WHERE key='hotlist_version'");
  if (!st.Step()) return st.status().ok() ? Result<int64_t>(int64_t{0}) : Err("hotlist version");
  return st.Int(0);
}

Status SqliteOutbox::ApplyHotlistUpdate(const HotlistUpdate& update) {
  MutexLock lock(&mu_);
  if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto fail = [&](const std::string& what) ANPR_REQUIRES(mu_) {
    Status e = Err(what);
    Exec("ROLLBACK").IgnoreError();  // the failure is returned
    return e;
  };
  Stmt clear(db_, "DELETE FROM hotlist_entries WHERE list_name=?");
  Stmt del(db_, "DELETE FROM hotlist_entries WHERE list_name=? AND vrm=?");
  Stmt put(db_, "INSERT OR REPLACE INTO hotlist_entries(list_name,vrm,record) VALUES(?,?,?)");
  for (const auto& d : update.lists) {
    if (d.full) {
      clear.Reset();
      if (!clear.Bind(1, d.list_name).Run().ok()) return fail("clear list");
    }
    for (const auto& v : d.removed_vrms) {
      del.Reset();
      if (!del.Bind(1, d.list_name).Bind(2, v).Run().ok()) return fail("remove entry");
    }
    for (const auto& e : d.added) {
      put.Reset();
      if (!put.Bind(1, d.list_name).Bind(2, e.vrm).Bind(3, HotlistEntryJson(e)).Run().ok())
        return fail("add entry");
    }
  }
  Stmt ver(db_, "INSERT OR REPLACE INTO meta(key,value) VALUES('hotlist_version',?)");
  if (!ver.Bind(1, update.latest_version).Run().ok()) return fail("set version");
  return Exec("COMMIT");
}

Result<std::vector<std::string>> SqliteOutbox::SyncedUuids(RecordKind kind) {
  MutexLock lock(&mu_);
  const char* sql = kind == RecordKind::kHit    ? "SELECT uuid FROM hits WHERE synced_at_utc_ms IS NOT NULL"
                    : kind == RecordKind::kRead ? "SELECT uuid FROM reads WHERE synced_at_utc_ms IS NOT NULL"
                                                : "SELECT uuid FROM audit WHERE synced_at_utc_ms IS NOT NULL";
  Stmt st(db_, sql);
  std::vector<std::string> out;
  while (st.Step()) out.push_back(st.Text(0));
  if (!st.status().ok()) return Err("synced uuids");
  return out;
}

Result<std::vector<WireHotlistEntry>> SqliteOutbox::Hotlist(const std::string& list) {
  MutexLock lock(&mu_);
  Stmt st(db_, "SELECT record FROM hotlist_entries WHERE list_name=? ORDER BY vrm");
  st.Bind(1, list);
  std::vector<WireHotlistEntry> out;
  while (st.Step()) {
    auto u = ParseHotlistUpdate(st.Text(0));
    if (!u.ok() || u->lists.size() != 1 || u->lists[0].added.size() != 1)
      return Corruption(path_ + ": stored hotlist entry does not parse");
    out.push_back(u->lists[0].added[0]);
  }
  if (!st.status().ok()) return Err("hotlist");
  return out;
}

}  // namespace anpr::sync
