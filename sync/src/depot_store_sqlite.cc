// SQLite back end of the depot store: one file, one connection guarded by a
// mutex (SQLite serialises writers anyway), WAL so searches do not block
// ingest for long.
#include <sqlite3.h>

#include <map>
#include <mutex>
#include <set>

#include "sync/depot_partitions.h"
#include "sync/depot_store.h"
#include "sync/src/hotlist_diff.h"
#include "sync/src/sqlite_stmt.h"

namespace anpr::sync {
namespace {

// Each entry is one schema version; applied in order inside a transaction.
const char* const kSqliteMigrations[] = {
    // 1: everything the first depot needs.
    R"sql(
CREATE TABLE credentials(
  token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
  created_at_utc_ms INTEGER NOT NULL, revoked_at_utc_ms INTEGER);
CREATE INDEX credentials_name ON credentials(name);
CREATE TABLE reads(
  uuid TEXT PRIMARY KEY, unit_id TEXT NOT NULL, vrm TEXT NOT NULL,
  captured_at_utc_ms INTEGER NOT NULL, received_at_utc_ms INTEGER NOT NULL,
  record TEXT NOT NULL, plate_jpeg BLOB, overview_jpeg BLOB);
CREATE INDEX reads_vrm ON reads(vrm, captured_at_utc_ms);
CREATE INDEX reads_captured ON reads(captured_at_utc_ms);
CREATE TABLE hits(
  uuid TEXT PRIMARY KEY, unit_id TEXT NOT NULL, read_uuid TEXT NOT NULL,
  list_name TEXT NOT NULL, entry_vrm TEXT NOT NULL, priority TEXT NOT NULL,
  raised_at_utc_ms INTEGER NOT NULL, outcome TEXT NOT NULL,
  outcome_at_utc_ms INTEGER NOT NULL, received_at_utc_ms INTEGER NOT NULL,
  record TEXT NOT NULL);
CREATE TABLE audit(
  uuid TEXT PRIMARY KEY, unit_id TEXT NOT NULL, at_utc_ms INTEGER NOT NULL,
  actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL,
  received_at_utc_ms INTEGER NOT NULL);
CREATE TABLE hotlist_versions(
  version INTEGER PRIMARY KEY AUTOINCREMENT, list_name TEXT NOT NULL,
  published_at_utc_ms INTEGER NOT NULL, publisher TEXT NOT NULL, entries INTEGER NOT NULL);
CREATE INDEX hotlist_versions_list ON hotlist_versions(list_name, version);
CREATE TABLE hotlist_entries(
  version INTEGER NOT NULL, vrm TEXT NOT NULL, priority TEXT NOT NULL, reason TEXT NOT NULL,
  warning_markers TEXT NOT NULL, information TEXT NOT NULL, make TEXT NOT NULL,
  model TEXT NOT NULL, colour TEXT NOT NULL, valid_until TEXT NOT NULL,
  PRIMARY KEY(version, vrm));
CREATE TABLE search_audit(
  id INTEGER PRIMARY KEY AUTOINCREMENT, at_utc_ms INTEGER NOT NULL, investigator TEXT NOT NULL,
  vrm TEXT NOT NULL, reason TEXT NOT NULL, from_utc_ms INTEGER NOT NULL, to_utc_ms INTEGER NOT NULL,
  results INTEGER NOT NULL);
CREATE TABLE security_events(
  id INTEGER PRIMARY KEY AUTOINCREMENT, at_utc_ms INTEGER NOT NULL, what TEXT NOT NULL,
  principal TEXT NOT NULL, remote TEXT NOT NULL);
)sql",
    // 2: officer-entered wanted plates from the cars.
    R"sql(
CREATE TABLE wanted(
  uuid TEXT PRIMARY KEY, unit_id TEXT NOT NULL, vrm TEXT NOT NULL, priority TEXT NOT NULL,
  reason TEXT NOT NULL, valid_until_utc_ms INTEGER NOT NULL, entered_by TEXT NOT NULL,
  entered_at_utc_ms INTEGER NOT NULL, received_at_utc_ms INTEGER NOT NULL, record TEXT NOT NULL);
CREATE INDEX wanted_vrm ON wanted(vrm);
)sql",
};

class SqliteDepotStore final : public DepotStore {
 public:
  explicit SqliteDepotStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteDepotStore() override { sqlite3_close(db_); }

  std::string Kind() const override { return "sqlite"; }

  Status Migrate() override {
    std::lock_guard lock(mu_);
    if (auto s = Exec("CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, "
                      "applied_at_utc_ms INTEGER NOT NULL)");
        !s.ok())
      return s;
    auto cur = VersionLocked();
    if (!cur.ok()) return cur.status();
    const int n = static_cast<int>(std::size(kSqliteMigrations));
    for (int v = *cur + 1; v <= n; ++v) {
      if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
      Status s = Exec(kSqliteMigrations[v - 1]);
      if (s.ok()) {
        Stmt st(db_, "INSERT INTO schema_migrations VALUES(?,?)");
        if (st.Int(1, v).Int(2, NowUtcMs()).Step() != SQLITE_DONE) s = Err("record migration");
      }
      if (!s.ok()) {
        Exec("ROLLBACK");
        return Internal("migration " + std::to_string(v) + " of " + path_ + ": " + s.message());
      }
      if (auto c = Exec("COMMIT"); !c.ok()) return c;
    }
    return Status::Ok();
  }

  Result<int> SchemaVersion() override {
    std::lock_guard lock(mu_);
    return VersionLocked();
  }

  Status AddCredential(const Principal& p, const std::string& token_hash) override {
    std::lock_guard lock(mu_);
    Stmt st(db_, "INSERT INTO credentials(token_hash,name,role,created_at_utc_ms) VALUES(?,?,?,?)");
    if (st.Text(1, token_hash).Text(2, p.name).Text(3, RoleName(p.role)).Int(4, NowUtcMs()).Step() !=
        SQLITE_DONE)
      return Err("add credential");
    return Status::Ok();
  }

  Status Revoke(const std::string& name) override {
    std::lock_guard lock(mu_);
    Stmt st(db_, "UPDATE credentials SET revoked_at_utc_ms=? WHERE name=? AND revoked_at_utc_ms IS NULL");
    if (st.Int(1, NowUtcMs()).Text(2, name).Step() != SQLITE_DONE) return Err("revoke");
    if (sqlite3_changes(db_) == 0) return NotFound("no active credential for '" + name + "'");
    return Status::Ok();
  }

  Result<std::optional<Principal>> Authenticate(const std::string& token_hash) override {
    std::lock_guard lock(mu_);
    Stmt st(db_, "SELECT name, role FROM credentials WHERE token_hash=? AND revoked_at_utc_ms IS NULL");
    st.Text(1, token_hash);
    int rc = st.Step();
    if (rc == SQLITE_DONE) return std::optional<Principal>();
    if (rc != SQLITE_ROW) return Err("authenticate");
    Principal p;
    p.name = st.ColText(0);
    if (!ParseRole(st.ColText(1), &p.role)) return Corruption("credential with unknown role");
    return std::optional<Principal>(p);
  }

  Status LogSecurityEvent(const std::string& what, const std::string& principal,
                          const std::string& remote) override {
    std::lock_guard lock(mu_);
    Stmt st(db_, "INSERT INTO security_events(at_utc_ms,what,principal,remote) VALUES(?,?,?,?)");
    if (st.Int(1, NowUtcMs()).Text(2, what).Text(3, principal).Text(4, remote).Step() != SQLITE_DONE)
      return Err("log security event");
    return Status::Ok();
  }

  Result<IngestResult> IngestReads(const std::string& vehicle, const std::vector<Read>& reads) override {
    std::lock_guard lock(mu_);
    return InTransaction<IngestResult>([&]() -> Result<IngestResult> {
      Stmt ins(db_,
               "INSERT OR IGNORE INTO reads(uuid,unit_id,vrm,captured_at_utc_ms,received_at_utc_ms,record,"
               "plate_jpeg,overview_jpeg) VALUES(?,?,?,?,?,?,?,?)");
      Stmt owner(db_, "SELECT unit_id FROM reads WHERE uuid=?");
      const int64_t now = NowUtcMs();
      IngestResult out;
      for (const auto& r : reads) {
        ins.Reset();
        ins.Text(1, r.uuid).Text(2, vehicle).Text(3, r.vrm).Int(4, r.captured_at_utc_ms).Int(5, now);
        ins.Text(6, EncodeRead(r, false)).Blob(7, r.plate_jpeg).Blob(8, r.overview_jpeg);
        if (ins.Step() != SQLITE_DONE) return Err("store read " + r.uuid);
        if (sqlite3_changes(db_) == 1) {
          ++out.newly_stored;
        } else if (auto s = CheckOwner(owner, r.uuid, vehicle); !s.ok()) {
          return s;
        }
        out.acknowledged.push_back(r.uuid);
      }
      return out;
    });
  }

  Result<IngestResult> IngestHits(const std::string& vehicle, const std::vector<Hit>& hits) override {
    std::lock_guard lock(mu_);
    return InTransaction<IngestResult>([&]() -> Result<IngestResult> {
      Stmt ins(db_,
               "INSERT OR IGNORE INTO hits(uuid,unit_id,read_uuid,list_name,entry_vrm,priority,"
               "raised_at_utc_ms,outcome,outcome_at_utc_ms,received_at_utc_ms,record) "
               "VALUES(?,?,?,?,?,?,?,?,?,?,?)");
      Stmt upd(db_,
               "UPDATE hits SET outcome=?, outcome_at_utc_ms=?, record=? WHERE uuid=? AND unit_id=? "
               "AND outcome_at_utc_ms < ?");
      Stmt owner(db_, "SELECT unit_id FROM hits WHERE uuid=?");
      const int64_t now = NowUtcMs();
      IngestResult out;
      for (const auto& h : hits) {
        const std::string rec = EncodeHit(h);
        ins.Reset();
        ins.Text(1, h.uuid).Text(2, vehicle).Text(3, h.read_uuid).Text(4, h.list_name).Text(5, h.entry_vrm);
        ins.Text(6, PriorityName(h.priority)).Int(7, h.raised_at_utc_ms).Text(8, HitOutcomeName(h.outcome));
        ins.Int(9, h.outcome_at_utc_ms).Int(10, now).Text(11, rec);
        if (ins.Step() != SQLITE_DONE) return Err("store hit " + h.uuid);
        if (sqlite3_changes(db_) == 1) {
          ++out.newly_stored;
        } else {
          if (auto s = CheckOwner(owner, h.uuid, vehicle); !s.ok()) return s;
          upd.Reset();
          upd.Text(1, HitOutcomeName(h.outcome)).Int(2, h.outcome_at_utc_ms).Text(3, rec).Text(4, h.uuid);
          upd.Text(5, vehicle).Int(6, h.outcome_at_utc_ms);
          if (upd.Step() != SQLITE_DONE) return Err("update hit outcome " + h.uuid);
        }
        out.acknowledged.push_back(h.uuid);
      }
      return out;
    });
  }

  Result<IngestResult> IngestAudit(const std::string& vehicle, const std::vector<WireAuditEntry>& entries) override {
    std::lock_guard lock(mu_);
    return InTransaction<IngestResult>([&]() -> Result<IngestResult> {
      Stmt ins(db_,
               "INSERT OR IGNORE INTO audit(uuid,unit_id,at_utc_ms,actor,action,detail,received_at_utc_ms) "
               "VALUES(?,?,?,?,?,?,?)");
      Stmt owner(db_, "SELECT unit_id FROM audit WHERE uuid=?");
      const int64_t now = NowUtcMs();
      IngestResult out;
      for (const auto& a : entries) {
        ins.Reset();
        ins.Text(1, a.uuid).Text(2, vehicle).Int(3, a.at_utc_ms).Text(4, a.actor).Text(5, a.action);
        ins.Text(6, a.detail).Int(7, now);
        if (ins.Step() != SQLITE_DONE) return Err("store audit " + a.uuid);
        if (sqlite3_changes(db_) == 1) {
          ++out.newly_stored;
        } else if (auto s = CheckOwner(owner, a.uuid, vehicle); !s.ok()) {
          return s;
        }
        out.acknowledged.push_back(a.uuid);
      }
      return out;
    });
  }

  Result<IngestResult> IngestWanted(const std::string& vehicle, const std::vector<WantedEntry>& entries) override {
    std::lock_guard lock(mu_);
    return InTransaction<IngestResult>([&]() -> Result<IngestResult> {
      Stmt ins(db_,
               "INSERT OR IGNORE INTO wanted(uuid,unit_id,vrm,priority,reason,valid_until_utc_ms,entered_by,"
               "entered_at_utc_ms,received_at_utc_ms,record) VALUES(?,?,?,?,?,?,?,?,?,?)");
      Stmt owner(db_, "SELECT unit_id FROM wanted WHERE uuid=?");
      const int64_t now = NowUtcMs();
      IngestResult out;
      for (const auto& x : entries) {
        ins.Reset();
        ins.Text(1, x.uuid).Text(2, vehicle).Text(3, x.vrm).Text(4, PriorityName(x.priority)).Text(5, x.reason);
        ins.Int(6, x.valid_until_utc_ms).Text(7, x.entered_by).Int(8, x.entered_at_utc_ms).Int(9, now);
        ins.Text(10, EncodeWanted({x}));
        if (ins.Step() != SQLITE_DONE) return Err("store wanted " + x.uuid);
        if (sqlite3_changes(db_) == 1) {
          ++out.newly_stored;
        } else if (auto s = CheckOwner(owner, x.uuid, vehicle); !s.ok()) {
          return s;
        }
        out.acknowledged.push_back(x.uuid);
      }
      return out;
    });
  }

  Result<int64_t> PublishHotlist(const std::string& list, const std::vector<WireHotlistEntry>& entries,
                                 const std::string& publisher) override {
    std::lock_guard lock(mu_);
    return InTransaction<int64_t>([&]() -> Result<int64_t> {
      Stmt v(db_,
             "INSERT INTO hotlist_versions(list_name,published_at_utc_ms,publisher,entries) VALUES(?,?,?,?)");
      if (v.Text(1, list).Int(2, NowUtcMs()).Text(3, publisher).Int(4, static_cast<int64_t>(entries.size()))
              .Step() != SQLITE_DONE)
        return Err("publish hotlist");
      const int64_t version = sqlite3_last_insert_rowid(db_);
      Stmt e(db_, "INSERT INTO hotlist_entries VALUES(?,?,?,?,?,?,?,?,?,?)");
      for (const auto& h : entries) {
        e.Reset();
        e.Int(1, version).Text(2, h.vrm).Text(3, PriorityName(h.priority)).Text(4, h.reason);
        e.Text(5, h.warning_markers).Text(6, h.information).Text(7, h.make).Text(8, h.model);
        e.Text(9, h.colour).Text(10, h.valid_until);
        if (e.Step() != SQLITE_DONE) return Err("publish hotlist entry " + h.vrm);
      }
      return version;
    });
  }

  Result<HotlistUpdate> HotlistSince(int64_t since_version) override {
    std::lock_guard lock(mu_);
    HotlistUpdate u;
    {
      Stmt st(db_, "SELECT COALESCE(MAX(version),0) FROM hotlist_versions");
      if (st.Step() != SQLITE_ROW) return Err("hotlist version");
      u.latest_version = st.ColInt(0);
    }
    // Per list: its newest version, and the newest the car already has.
    Stmt lists(db_,
               "SELECT list_name, MAX(version), "
               "(SELECT MAX(version) FROM hotlist_versions b WHERE b.list_name=a.list_name AND b.version<=?) "
               "FROM hotlist_versions a GROUP BY list_name HAVING MAX(version) > ? ORDER BY list_name");
    lists.Int(1, since_version).Int(2, since_version);
    Stmt ents(db_,
              "SELECT vrm,priority,reason,warning_markers,information,make,model,colour,valid_until "
              "FROM hotlist_entries WHERE version=? ORDER BY vrm");
    auto load = [&](int64_t version) -> Result<std::vector<WireHotlistEntry>> {
      std::vector<WireHotlistEntry> out;
      ents.Reset();
      ents.Int(1, version);
      int rc;
      while ((rc = ents.Step()) == SQLITE_ROW) {
        WireHotlistEntry h;
        h.vrm = ents.ColText(0);
        ParsePriority(ents.ColText(1), &h.priority);
        h.reason = ents.ColText(2);
        h.warning_markers = ents.ColText(3);
        h.information = ents.ColText(4);
        h.make = ents.ColText(5);
        h.model = ents.ColText(6);
        h.colour = ents.ColText(7);
        h.valid_until = ents.ColText(8);
        out.push_back(std::move(h));
      }
      if (rc != SQLITE_DONE) return Err("load hotlist");
      return out;
    };
    int rc;
    while ((rc = lists.Step()) == SQLITE_ROW) {
      const std::string name = lists.ColText(0);
      const int64_t to = lists.ColInt(1);
      const int64_t from = lists.ColInt(2);  // NULL -> 0: the car has none of this list
      auto newest = load(to);
      if (!newest.ok()) return newest.status();
      std::vector<WireHotlistEntry> base;
      if (from > 0) {
        auto b = load(from);
        if (!b.ok()) return b.status();
        base = std::move(*b);
      }
      u.lists.push_back(DiffHotlist(name, from, to, base, *newest));
    }
    if (rc != SQLITE_DONE) return Err("hotlist lists");
    return u;
  }

  Result<std::vector<Read>> SearchReads(const SearchQuery& q) override {
    if (q.reason.empty()) return InvalidArgument("a search needs a reason");
    if (q.investigator.empty()) return InvalidArgument("a search needs the investigator's name");
    std::lock_guard lock(mu_);
    return InTransaction<std::vector<Read>>([&]() -> Result<std::vector<Read>> {
      Stmt st(db_,
              "SELECT record, plate_jpeg, overview_jpeg FROM reads WHERE vrm=? AND captured_at_utc_ms>=? "
              "AND captured_at_utc_ms<? ORDER BY captured_at_utc_ms LIMIT ?");
      st.Text(1, q.vrm).Int(2, q.from_utc_ms).Int(3, q.to_utc_ms).Int(4, static_cast<int64_t>(q.limit));
      std::vector<Read> out;
      int rc;
      while ((rc = st.Step()) == SQLITE_ROW) {
        auto r = ParseRead(st.ColText(0));
        if (!r.ok()) return Corruption("stored read does not parse: " + r.status().message());
        if (q.with_images) {
          r->plate_jpeg = st.ColBlob(1);
          r->overview_jpeg = st.ColBlob(2);
        }
        out.push_back(std::move(*r));
      }
      if (rc != SQLITE_DONE) return Err("search reads");
      Stmt a(db_,
             "INSERT INTO search_audit(at_utc_ms,investigator,vrm,reason,from_utc_ms,to_utc_ms,results) "
             "VALUES(?,?,?,?,?,?,?)");
      a.Int(1, NowUtcMs()).Text(2, q.investigator).Text(3, q.vrm).Text(4, q.reason).Int(5, q.from_utc_ms);
      a.Int(6, q.to_utc_ms).Int(7, static_cast<int64_t>(out.size()));
      if (a.Step() != SQLITE_DONE) return Err("audit search");
      return out;
    });
  }

  Result<DepotCounts> Counts() override {
    std::lock_guard lock(mu_);
    Stmt st(db_,
            "SELECT (SELECT COUNT(*) FROM reads),(SELECT COUNT(*) FROM hits),(SELECT COUNT(*) FROM audit),"
            "(SELECT COUNT(*) FROM search_audit),(SELECT COUNT(*) FROM security_events),"
            "(SELECT COUNT(DISTINCT uuid) FROM reads),(SELECT COUNT(*) FROM wanted)");
    if (st.Step() != SQLITE_ROW) return Err("counts");
    DepotCounts c;
    c.reads = st.ColInt(0);
    c.hits = st.ColInt(1);
    c.audit = st.ColInt(2);
    c.searches = st.ColInt(3);
    c.security_events = st.ColInt(4);
    c.distinct_read_uuids = st.ColInt(5);
    c.wanted = st.ColInt(6);
    return c;
  }

  Result<bool> Holds(const std::string& kind, const std::string& uuid) override {
    const char* sql = kind == "read"  ? "SELECT 1 FROM reads WHERE uuid=?"
                      : kind == "hit" ? "SELECT 1 FROM hits WHERE uuid=?"
                      : kind == "wanted" ? "SELECT 1 FROM wanted WHERE uuid=?"
                                      : "SELECT 1 FROM audit WHERE uuid=?";
    std::lock_guard lock(mu_);
    Stmt st(db_, sql);
    st.Text(1, uuid);
    int rc = st.Step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Err("holds");
    return rc == SQLITE_ROW;
  }

  Result<int> DropReadsBefore(int64_t cutoff_utc_ms) override {
    std::lock_guard lock(mu_);
    // Whole months only, like the PostgreSQL partitions.
    const int64_t bound = MonthStartUtcMs(cutoff_utc_ms);
    Stmt st(db_, "DELETE FROM reads WHERE captured_at_utc_ms < ?");
    if (st.Int(1, bound).Step() != SQLITE_DONE) return Err("retention");
    return sqlite3_changes(db_);
  }

 private:
  Status Err(const std::string& what) {
    const int code = sqlite3_errcode(db_);
    std::string m = path_ + ": " + what + ": " + sqlite3_errmsg(db_);
    if (code == SQLITE_FULL) return {StatusCode::kResourceExhausted, m};
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return Unavailable(m);
    return IoError(m);
  }

  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : "unknown error";
      sqlite3_free(err);
      return IoError(path_ + ": " + m);
    }
    return Status::Ok();
  }

  Result<int> VersionLocked() {
    Stmt st(db_, "SELECT COALESCE(MAX(version),0) FROM schema_migrations");
    if (!st.ok() || st.Step() != SQLITE_ROW) return 0;  // table absent: nothing applied
    return static_cast<int>(st.ColInt(0));
  }

  Status CheckOwner(Stmt& owner, const std::string& uuid, const std::string& vehicle) {
    owner.Reset();
    owner.Text(1, uuid);
    if (owner.Step() != SQLITE_ROW) return Err("owner of " + uuid);
    if (owner.ColText(0) != vehicle)
      return PermissionDenied("record " + uuid + " belongs to another vehicle");
    return Status::Ok();
  }

  template <typename T, typename F>
  Result<T> InTransaction(F body) {
    if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    Result<T> r = body();
    if (!r.ok()) {
      Exec("ROLLBACK");
      return r;
    }
    if (auto s = Exec("COMMIT"); !s.ok()) {
      Exec("ROLLBACK");
      return s;
    }
    return r;
  }

  std::mutex mu_;
  sqlite3* db_;
  const std::string path_;
};

}  // namespace

Result<std::unique_ptr<DepotStore>> OpenSqliteDepotStore(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string m = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return IoError("open " + path + ": " + m);
  }
  sqlite3_busy_timeout(db, 10000);
  // WAL + FULL: a batch is on disk before it is acknowledged, so the car
  // may forget what the depot acknowledged even across a power cut.
  // 16 KiB pages (new files only; must precede WAL): a read's two ~20 KB
  // images span 3 overflow pages instead of 11, which halves the time to
  // store a batch (fewer WAL frames, syscalls and checkpoint copies).
  for (const char* pragma : {"PRAGMA page_size=16384", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
      std::string m = sqlite3_errmsg(db);
      sqlite3_close(db);
      return IoError("open " + path + ": " + m);
    }
  }
  return std::unique_ptr<DepotStore>(new SqliteDepotStore(db, path));
}

}  // namespace anpr::sync
