// SQLite back end of the depot store: one file, one connection guarded by a
// mutex (SQLite serialises writers anyway), WAL so searches do not block
// ingest for long.
#include <sqlite3.h>

#include <map>
#include <set>

#include "sync/depot_partitions.h"
#include "sync/depot_store.h"
#include "sync/src/depot_rules.h"
#include "sync/src/hotlist_diff.h"
#include "vehicle/records/encrypted_vfs.h"
#include "vehicle/records/field_limits.h"
#include "vehicle/records/mutex.h"
#include "vehicle/records/sqlite_stmt.h"

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
    // 3: each car's newest audit chain link, the depot's anchor of that chain.
    R"sql(
CREATE TABLE audit_heads(
  unit_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL, updated_at_utc_ms INTEGER NOT NULL);
)sql",
    // 4: investigation holds from the cars; retention keeps the reads they name.
    R"sql(
CREATE TABLE read_holds(
  uuid TEXT PRIMARY KEY, unit_id TEXT NOT NULL, vrm TEXT NOT NULL, reason TEXT NOT NULL,
  placed_by TEXT NOT NULL, placed_at_utc_ms INTEGER NOT NULL, until_utc_ms INTEGER NOT NULL,
  received_at_utc_ms INTEGER NOT NULL);
CREATE INDEX read_holds_vrm ON read_holds(vrm, until_utc_ms);
)sql",
    // 5: evidence: each read's image hashes as received, and each vehicle's
    // export signing key.
    R"sql(
ALTER TABLE reads ADD COLUMN plate_sha256 TEXT;
ALTER TABLE reads ADD COLUMN overview_sha256 TEXT;
CREATE TABLE unit_keys(
  unit_id TEXT PRIMARY KEY, public_key_ed25519 TEXT NOT NULL, enrolled_at_utc_ms INTEGER NOT NULL);
)sql",
    // 6: the newest audit chain head each car reported, which may be ahead of
    // the entries it sent (DepotStore::CheckAuditChainHead).
    R"sql(
CREATE TABLE audit_reported_heads(
  unit_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL, reported_at_utc_ms INTEGER NOT NULL);
)sql",
};

class SqliteDepotStore final : public DepotStore {
 public:
  SqliteDepotStore(sqlite3* db, std::string path, std::shared_ptr<EncryptedVfs> vfs)
      : db_(db), path_(std::move(path)), vfs_(std::move(vfs)) {}
  ~SqliteDepotStore() override { sqlite3_close(db_); }

  std::string Kind() const override { return "sqlite"; }

  Status Migrate() override {
    MutexLock lock(&mu_);
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
        if (!st.Bind(1, v).Bind(2, NowUtcMs()).Run().ok()) s = Err("record migration");
      }
      if (!s.ok()) {
        Exec("ROLLBACK").IgnoreError();  // the failure is returned
        return Internal("migration " + std::to_string(v) + " of " + path_ + ": " + s.message());
      }
      if (auto c = Exec("COMMIT"); !c.ok()) return c;
    }
    return Status::Ok();
  }

  Result<int> SchemaVersion() override {
    MutexLock lock(&mu_);
    return VersionLocked();
  }

  Status AddCredential(const Principal& p, const std::string& token_hash) override {
    MutexLock lock(&mu_);
    Stmt st(db_, "INSERT INTO credentials(token_hash,name,role,created_at_utc_ms) VALUES(?,?,?,?)");
    if (!st.Bind(1, token_hash).Bind(2, p.name).Bind(3, RoleName(p.role)).Bind(4, NowUtcMs()).Run().ok())
      return Err("add credential");
    return Status::Ok();
  }

  Status Revoke(const std::string& name) override {
    MutexLock lock(&mu_);
    Stmt st(db_, "UPDATE credentials SET revoked_at_utc_ms=? WHERE name=? AND revoked_at_utc_ms IS NULL");
    if (!st.Bind(1, NowUtcMs()).Bind(2, name).Run().ok()) return Err("revoke");
    if (sqlite3_changes(db_) == 0) return NotFound("no active credential for '" + name + "'");
    return Status::Ok();
  }

  Result<std::optional<Principal>> Authenticate(const std::string& token_hash) override {
    MutexLock lock(&mu_);
    Stmt st(db_, "SELECT name, role FROM credentials WHERE token_hash=? AND revoked_at_utc_ms IS NULL");
    st.Bind(1, token_hash);
    if (!st.Step()) return st.status().ok() ? Result<std::optional<Principal>>(std::nullopt) : Err("authenticate");
    Principal p;
    p.name = st.Text(0);
    if (!ParseRole(st.Text(1), &p.role)) return Corruption("credential with unknown role");
    return std::optional<Principal>(p);
  }

  Status LogSecurityEvent(const std::string& what, const std::string& principal,
                          const std::string& remote) override {
    MutexLock lock(&mu_);
    Stmt st(db_, "INSERT INTO security_events(at_utc_ms,what,principal,remote) VALUES(?,?,?,?)");
    if (!st.Bind(1, NowUtcMs()).Bind(2, what).Bind(3, principal).Bind(4, remote).Run().ok())
      return Err("log security event");
    return Status::Ok();
  }

  Result<IngestResult> IngestReads(const std::string& vehicle, const std::vector<Read>& reads) override {
    MutexLock lock(&mu_);
    return InTransaction<IngestResult>([&]() ANPR_REQUIRES(mu_) -> Result<IngestResult> {
      Stmt ins(db_,
               "INSERT OR IGNORE INTO reads(uuid,unit_id,vrm,captured_at_utc_ms,received_at_utc_ms,record,"
               "plate_jpeg,overview_jpeg,plate_sha256,overview_sha256) VALUES(?,?,?,?,?,?,?,?,?,?)");
      Stmt held(db_, "SELECT unit_id, captured_at_utc_ms FROM reads WHERE uuid=?");
      const int64_t now = NowUtcMs();
      IngestResult out;
      for (const auto& r : reads) {
        ins.Reset();
        ins.Bind(1, r.uuid).Bind(2, vehicle).Bind(3, r.vrm).Bind(4, r.captured_at_utc_ms).Bind(5, now);
        ins.Bind(6, EncodeRead(r, false)).Bind(7, r.plate_jpeg).Bind(8, r.overview_jpeg);
        ins.Bind(9, ImageSha256(r.plate_jpeg)).Bind(10, ImageSha256(r.overview_jpeg));
        if (!ins.Run().ok()) return Err("store read " + r.uuid);
        if (sqlite3_changes(db_) == 1) {
          ++out.newly_stored;
        } else {
          held.Reset();
          held.Bind(1, r.uuid);
          if (!held.Step()) return Err("owner of " + r.uuid);
          if (Status s = ReadOnHeldUuid(r, held.Text(0), held.Int(1), vehicle); !s.ok()) return s;
        }
        out.acknowledged.push_back(r.uuid);
      }
      return out;
    });
  }

  Result<IngestResult> IngestHits(const std::string& vehicle, const std::vector<Hit>& hits) override {
    MutexLock lock(&mu_);
    return InTransaction<IngestResult>([&]() ANPR_REQUIRES(mu_) -> Result<IngestResult> {
      Stmt ins(db_,
               "INSERT OR IGNORE INTO hits(uuid,unit_id,read_uuid,list_name,entry_vrm,priority,"
               "raised_at_utc_ms,outcome,outcome_at_utc_ms,received_at_utc_ms,record) "
               "VALUES(?,?,?,?,?,?,?,?,?,?,?)");
      Stmt upd(db_,
               "UPDATE hits SET outcome=?, outcome_at_utc_ms=?, record=? WHERE uuid=? AND unit_id=? "
               "AND outcome_at_utc_ms < ?");
      Stmt owner(db_, "SELECT unit_id FROM hits WHERE uuid=?");
      Stmt read_owner(db_, "SELECT unit_id FROM reads WHERE uuid=?");
      const int64_t now = NowUtcMs();
      IngestResult out;
      for (const auto& h : hits) {
        // A hit's read, once held, must be this vehicle's (it may still be
        // on its way: hits travel before reads).
        read_owner.Reset();
        read_owner.Bind(1, h.read_uuid);
        if (read_owner.Step() && read_owner.Text(0) != vehicle) return HitOnForeignRead(h);
        if (!read_owner.status().ok()) return Err("owner of read " + h.read_uuid);
        const std::string rec = EncodeHit(h);
        ins.Reset();
        ins.Bind(1, h.uuid).Bind(2, vehicle).Bind(3, h.read_uuid).Bind(4, h.list_name).Bind(5, h.entry_vrm);
        ins.Bind(6, PriorityName(h.priority)).Bind(7, h.raised_at_utc_ms).Bind(8, HitOutcomeName(h.outcome));
        ins.Bind(9, h.outcome_at_utc_ms).Bind(10, now).Bind(11, rec);
        if (!ins.Run().ok()) return Err("store hit " + h.uuid);
        if (sqlite3_changes(db_) == 1) {
          ++out.newly_stored;
        } else {
          if (auto s = CheckOwner(owner, h.uuid, vehicle); !s.ok()) return s;
          upd.Reset();
          upd.Bind(1, HitOutcomeName(h.outcome)).Bind(2, h.outcome_at_utc_ms).Bind(3, rec).Bind(4, h.uuid);
          upd.Bind(5, vehicle).Bind(6, h.outcome_at_utc_ms);
          if (!upd.Run().ok()) return Err("update hit outcome " + h.uuid);
        }
        out.acknowledged.push_back(h.uuid);
      }
      return out;
    });
  }

  Result<IngestResult> IngestAudit(const std::string& vehicle, const std::vector<WireAuditEntry>& entries) override {
    MutexLock lock(&mu_);
    return InTransaction<IngestResult>([&]() ANPR_REQUIRES(mu_) -> Result<IngestResult> {
      Stmt ins(db_,
               "INSERT OR IGNORE INTO audit(uuid,unit_id,at_utc_ms,actor,action,detail,received_at_utc_ms) "
               "VALUES(?,?,?,?,?,?,?)");
      Stmt owner(db_, "SELECT unit_id FROM audit WHERE uuid=?");
      const int64_t now = NowUtcMs();
      auto held = HeldLinkLocked(vehicle);
      if (!held.ok()) return held.status();
      auto reported = HeldLinkLocked(vehicle, "audit_reported_heads");
      if (!reported.ok()) return reported.status();
      const int64_t held_before = held->seq;
      IngestResult out;
      for (const auto& a : entries) {
        ins.Reset();
        ins.Bind(1, a.uuid).Bind(2, vehicle).Bind(3, a.at_utc_ms).Bind(4, a.actor).Bind(5, a.action);
        ins.Bind(6, a.detail).Bind(7, now);
        if (!ins.Run().ok()) return Err("store audit " + a.uuid);
        if (sqlite3_changes(db_) == 1) {
          ++out.newly_stored;
          if (std::string note = ChainBreak(vehicle, *held, *reported, a); !note.empty()) out.security_notes.push_back(note);
          if (a.chain_seq && *a.chain_seq > held->seq) *held = {*a.chain_seq, a.chain_hash};
        } else if (auto s = CheckOwner(owner, a.uuid, vehicle); !s.ok()) {
          return s;
        }
        out.acknowledged.push_back(a.uuid);
      }
      if (held->seq > held_before) {
        Stmt put(db_, "INSERT OR REPLACE INTO audit_heads(unit_id,seq,hash,updated_at_utc_ms) VALUES(?,?,?,?)");
        if (!put.Bind(1, vehicle).Bind(2, held->seq).Bind(3, held->hash).Bind(4, now).Run().ok())
          return Err("audit head of " + vehicle);
      }
      return out;
    });
  }

  Result<std::optional<std::string>> CheckAuditChainHead(const std::string& vehicle,
                                                         const AuditChainHead& head) override {
    MutexLock lock(&mu_);
    auto held = HeldLinkLocked(vehicle);
    if (!held.ok()) return held.status();
    auto reported = HeldLinkLocked(vehicle, "audit_reported_heads");
    if (!reported.ok()) return reported.status();
    if (head.seq > reported->seq) {
      Stmt put(db_, "INSERT OR REPLACE INTO audit_reported_heads(unit_id,seq,hash,reported_at_utc_ms) VALUES(?,?,?,?)");
      if (!put.Bind(1, vehicle).Bind(2, head.seq).Bind(3, head.hash).Bind(4, NowUtcMs()).Run().ok())
        return Err("reported audit head of " + vehicle);
    }
    return HeadProblem(vehicle, *held, *reported, head);
  }

  Result<IngestResult> IngestWanted(const std::string& vehicle, const std::vector<WantedEntry>& entries) override {
    MutexLock lock(&mu_);
    return InTransaction<IngestResult>([&]() ANPR_REQUIRES(mu_) -> Result<IngestResult> {
      Stmt ins(db_,
               "INSERT OR IGNORE INTO wanted(uuid,unit_id,vrm,priority,reason,valid_until_utc_ms,entered_by,"
               "entered_at_utc_ms,received_at_utc_ms,record) VALUES(?,?,?,?,?,?,?,?,?,?)");
      Stmt owner(db_, "SELECT unit_id FROM wanted WHERE uuid=?");
      const int64_t now = NowUtcMs();
      IngestResult out;
      for (const auto& x : entries) {
        ins.Reset();
        ins.Bind(1, x.uuid).Bind(2, vehicle).Bind(3, x.vrm).Bind(4, PriorityName(x.priority)).Bind(5, x.reason);
        ins.Bind(6, x.valid_until_utc_ms).Bind(7, x.entered_by).Bind(8, x.entered_at_utc_ms).Bind(9, now);
        ins.Bind(10, EncodeWanted({x}));
        if (!ins.Run().ok()) return Err("store wanted " + x.uuid);
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

  Result<std::optional<ReceivedImageHashes>> ImageHashesAsReceived(const std::string& read_uuid) override {
    MutexLock lock(&mu_);
    Stmt st(db_, "SELECT COALESCE(plate_sha256,''), COALESCE(overview_sha256,'') FROM reads WHERE uuid=?");
    st.Bind(1, read_uuid);
    if (!st.Step()) {
      if (!st.status().ok()) return Err("image hashes");
      return std::optional<ReceivedImageHashes>();
    }
    return std::optional<ReceivedImageHashes>(ReceivedImageHashes{st.Text(0), st.Text(1)});
  }

  Result<std::optional<std::string>> EnrolSigningKey(const std::string& vehicle,
                                                     const std::string& public_key_hex) override {
    MutexLock lock(&mu_);
    Stmt ins(db_, "INSERT OR IGNORE INTO unit_keys(unit_id,public_key_ed25519,enrolled_at_utc_ms) VALUES(?,?,?)");
    if (!ins.Bind(1, vehicle).Bind(2, public_key_hex).Bind(3, NowUtcMs()).Run().ok()) return Err("enrol key");
    auto held = SigningKeyLocked(vehicle);
    if (!held.ok()) return held.status();
    return KeyProblem(vehicle, *held, public_key_hex);
  }

  Result<std::optional<std::string>> SigningKeyOf(const std::string& vehicle) override {
    MutexLock lock(&mu_);
    return SigningKeyLocked(vehicle);
  }

  Result<IngestResult> IngestHolds(const std::string& vehicle, const std::vector<HoldEntry>& holds) override {
    MutexLock lock(&mu_);
    return InTransaction<IngestResult>([&]() ANPR_REQUIRES(mu_) -> Result<IngestResult> {
      Stmt ins(db_,
               "INSERT OR IGNORE INTO read_holds(uuid,unit_id,vrm,reason,placed_by,placed_at_utc_ms,until_utc_ms,"
               "received_at_utc_ms) VALUES(?,?,?,?,?,?,?,?)");
      Stmt owner(db_, "SELECT unit_id FROM read_holds WHERE uuid=?");
      const int64_t now = NowUtcMs();
      IngestResult out;
      for (const auto& x : holds) {
        ins.Reset();
        ins.Bind(1, x.uuid).Bind(2, vehicle).Bind(3, x.vrm).Bind(4, x.reason).Bind(5, x.placed_by);
        ins.Bind(6, x.placed_at_utc_ms).Bind(7, x.until_utc_ms).Bind(8, now);
        if (!ins.Run().ok()) return Err("store hold " + x.uuid);
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
    if (Status named = limits::ValidateListName(list); !named.ok()) return named;
    MutexLock lock(&mu_);
    return InTransaction<int64_t>([&]() ANPR_REQUIRES(mu_) -> Result<int64_t> {
      Stmt v(db_,
             "INSERT INTO hotlist_versions(list_name,published_at_utc_ms,publisher,entries) VALUES(?,?,?,?)");
      if (!v.Bind(1, list).Bind(2, NowUtcMs()).Bind(3, publisher).Bind(4, static_cast<int64_t>(entries.size()))
              .Run().ok())
        return Err("publish hotlist");
      const int64_t version = sqlite3_last_insert_rowid(db_);
      Stmt e(db_, "INSERT INTO hotlist_entries VALUES(?,?,?,?,?,?,?,?,?,?)");
      for (const auto& h : entries) {
        e.Reset();
        e.Bind(1, version).Bind(2, h.vrm).Bind(3, PriorityName(h.priority)).Bind(4, h.reason);
        e.Bind(5, h.warning_markers).Bind(6, h.information).Bind(7, h.make).Bind(8, h.model);
        e.Bind(9, h.colour).Bind(10, h.valid_until);
        if (!e.Run().ok()) return Err("publish hotlist entry " + h.vrm);
      }
      return version;
    });
  }

  Result<HotlistUpdate> HotlistSince(int64_t since_version) override {
    MutexLock lock(&mu_);
    HotlistUpdate u;
    {
      Stmt st(db_, "SELECT COALESCE(MAX(version),0) FROM hotlist_versions");
      if (!st.Step()) return Err("hotlist version");
      u.latest_version = st.Int(0);
    }
    // Per list: its newest version, and the newest the car already has.
    Stmt lists(db_,
               "SELECT list_name, MAX(version), "
               "(SELECT MAX(version) FROM hotlist_versions b WHERE b.list_name=a.list_name AND b.version<=?) "
               "FROM hotlist_versions a GROUP BY list_name HAVING MAX(version) > ? ORDER BY list_name");
    lists.Bind(1, since_version).Bind(2, since_version);
    Stmt ents(db_,
              "SELECT vrm,priority,reason,warning_markers,information,make,model,colour,valid_until "
              "FROM hotlist_entries WHERE version=? ORDER BY vrm");
    auto load = [&](int64_t version) ANPR_REQUIRES(mu_) -> Result<std::vector<WireHotlistEntry>> {
      std::vector<WireHotlistEntry> out;
      ents.Reset();
      ents.Bind(1, version);
          while (ents.Step()) {
        WireHotlistEntry h;
        h.vrm = ents.Text(0);
        ParsePriority(ents.Text(1), &h.priority);
        h.reason = ents.Text(2);
        h.warning_markers = ents.Text(3);
        h.information = ents.Text(4);
        h.make = ents.Text(5);
        h.model = ents.Text(6);
        h.colour = ents.Text(7);
        h.valid_until = ents.Text(8);
        out.push_back(std::move(h));
      }
      if (!ents.status().ok()) return Err("load hotlist");
      return out;
    };
      while (lists.Step()) {
      const std::string name = lists.Text(0);
      const int64_t to = lists.Int(1);
      const int64_t from = lists.Int(2);  // NULL -> 0: the car has none of this list
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
    if (!lists.status().ok()) return Err("hotlist lists");
    return u;
  }

  Result<std::vector<Read>> SearchReads(const SearchQuery& q) override {
    if (q.reason.empty()) return InvalidArgument("a search needs a reason");
    if (q.investigator.empty()) return InvalidArgument("a search needs the investigator's name");
    MutexLock lock(&mu_);
    return InTransaction<std::vector<Read>>([&]() ANPR_REQUIRES(mu_) -> Result<std::vector<Read>> {
      const std::string like = VrmLikePattern(q.vrm);
      Stmt st(db_, like.empty()
                       ? "SELECT record, plate_jpeg, overview_jpeg FROM reads WHERE vrm=? AND captured_at_utc_ms>=? "
                         "AND captured_at_utc_ms<? ORDER BY captured_at_utc_ms LIMIT ?"
                       : "SELECT record, plate_jpeg, overview_jpeg FROM reads WHERE vrm LIKE ? AND "
                         "captured_at_utc_ms>=? AND captured_at_utc_ms<? ORDER BY captured_at_utc_ms LIMIT ?");
      st.Bind(1, like.empty() ? q.vrm : like).Bind(2, q.from_utc_ms).Bind(3, q.to_utc_ms).Bind(4, static_cast<int64_t>(q.limit));
      std::vector<Read> out;
          while (st.Step()) {
        auto r = ParseRead(st.Text(0));
        if (!r.ok()) return Corruption("stored read does not parse: " + r.status().message());
        if (q.with_images) {
          r->plate_jpeg = st.Blob(1);
          r->overview_jpeg = st.Blob(2);
        }
        out.push_back(std::move(*r));
      }
      if (!st.status().ok()) return Err("search reads");
      Stmt a(db_,
             "INSERT INTO search_audit(at_utc_ms,investigator,vrm,reason,from_utc_ms,to_utc_ms,results) "
             "VALUES(?,?,?,?,?,?,?)");
      a.Bind(1, NowUtcMs()).Bind(2, q.investigator).Bind(3, q.vrm).Bind(4, q.reason).Bind(5, q.from_utc_ms);
      a.Bind(6, q.to_utc_ms).Bind(7, static_cast<int64_t>(out.size()));
      if (!a.Run().ok()) return Err("audit search");
      return out;
    });
  }

  Result<DepotCounts> Counts() override {
    MutexLock lock(&mu_);
    Stmt st(db_,
            "SELECT (SELECT COUNT(*) FROM reads),(SELECT COUNT(*) FROM hits),(SELECT COUNT(*) FROM audit),"
            "(SELECT COUNT(*) FROM search_audit),(SELECT COUNT(*) FROM security_events),"
            "(SELECT COUNT(DISTINCT uuid) FROM reads),(SELECT COUNT(*) FROM wanted)");
    if (!st.Step()) return Err("counts");
    DepotCounts c;
    c.reads = st.Int(0);
    c.hits = st.Int(1);
    c.audit = st.Int(2);
    c.searches = st.Int(3);
    c.security_events = st.Int(4);
    c.distinct_read_uuids = st.Int(5);
    c.wanted = st.Int(6);
    return c;
  }

  Result<bool> Holds(const std::string& kind, const std::string& uuid) override {
    const char* sql = kind == "read"  ? "SELECT 1 FROM reads WHERE uuid=?"
                      : kind == "hit" ? "SELECT 1 FROM hits WHERE uuid=?"
                      : kind == "wanted" ? "SELECT 1 FROM wanted WHERE uuid=?"
                      : kind == "hold" ? "SELECT 1 FROM read_holds WHERE uuid=?"
                                      : "SELECT 1 FROM audit WHERE uuid=?";
    MutexLock lock(&mu_);
    Stmt st(db_, sql);
    st.Bind(1, uuid);
    const bool row = st.Step();
    if (!st.status().ok()) return Err("holds");
    return row;
  }

  Result<int> DropReadsBefore(int64_t cutoff_utc_ms) override {
    MutexLock lock(&mu_);
    // Whole months only, like the PostgreSQL partitions.
    const int64_t bound = MonthStartUtcMs(cutoff_utc_ms);
    Stmt st(db_,
            "DELETE FROM reads WHERE captured_at_utc_ms < ? AND vrm NOT IN "
            "(SELECT vrm FROM read_holds WHERE until_utc_ms > ?)");
    if (!st.Bind(1, bound).Bind(2, NowUtcMs()).Run().ok()) return Err("retention");
    return sqlite3_changes(db_);
  }

 private:
  Result<std::optional<std::string>> SigningKeyLocked(const std::string& vehicle) ANPR_REQUIRES(mu_) {
    Stmt st(db_, "SELECT public_key_ed25519 FROM unit_keys WHERE unit_id=?");
    st.Bind(1, vehicle);
    if (!st.Step()) {
      if (!st.status().ok()) return Err("signing key");
      return std::optional<std::string>();
    }
    return std::optional<std::string>(st.Text(0));
  }

  Status Err(const std::string& what) ANPR_REQUIRES(mu_) {
    const int code = sqlite3_errcode(db_);
    std::string m = path_ + ": " + what + ": " + sqlite3_errmsg(db_);
    if (code == SQLITE_FULL) return {StatusCode::kResourceExhausted, m};
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return Unavailable(m);
    return IoError(m);
  }

  Status Exec(const char* sql) ANPR_REQUIRES(mu_) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : "unknown error";
      sqlite3_free(err);
      return IoError(path_ + ": " + m);
    }
    return Status::Ok();
  }

  Result<int> VersionLocked() ANPR_REQUIRES(mu_) {
    Stmt st(db_, "SELECT COALESCE(MAX(version),0) FROM schema_migrations");
    if (!st.prepare_status().ok() || !st.Step()) return 0;  // table absent: nothing applied
    return static_cast<int>(st.Int(0));
  }

  // The newest link of `vehicle`'s audit chain the depot holds (seq 0:
  // none), or from `table` audit_reported_heads the newest head it reported.
  Result<HeldChainLink> HeldLinkLocked(const std::string& vehicle, const std::string& table = "audit_heads")
      ANPR_REQUIRES(mu_) {
    Stmt st(db_, ("SELECT seq, hash FROM " + table + " WHERE unit_id=?").c_str());
    st.Bind(1, vehicle);
    HeldChainLink held;
    if (st.Step()) held = {st.Int(0), st.Text(1)};
    if (!st.status().ok()) return Err("audit head of " + vehicle);
    return held;
  }

  Status CheckOwner(Stmt& owner, const std::string& uuid, const std::string& vehicle) ANPR_REQUIRES(mu_) {
    owner.Reset();
    owner.Bind(1, uuid);
    if (!owner.Step()) return Err("owner of " + uuid);
    if (owner.Text(0) != vehicle)
      return PermissionDenied("record " + uuid + " belongs to another vehicle");
    return Status::Ok();
  }

  template <typename T, typename F>
  Result<T> InTransaction(F body) ANPR_REQUIRES(mu_) {
    if (auto s = Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    Result<T> r = body();
    if (!r.ok()) {
      Exec("ROLLBACK").IgnoreError();  // the failure is returned
      return r;
    }
    if (auto s = Exec("COMMIT"); !s.ok()) {
      Exec("ROLLBACK").IgnoreError();  // the failure is returned
      return s;
    }
    return r;
  }

  Mutex mu_;  // one connection, guarded
  sqlite3* db_ ANPR_GUARDED_BY(mu_);
  const std::string path_;
  // The encrypting VFS db_ was opened with (null: a plain file); closed after db_.
  const std::shared_ptr<EncryptedVfs> vfs_;
};

}  // namespace


Result<std::unique_ptr<DepotStore>> OpenSqliteDepotStore(const std::string& path,
                                                         const std::optional<StoreKey>& key) {
  // A missing or wrong key is refused here, before SQLite touches the file.
  auto vfs = VfsForDb(path, key ? &*key : nullptr, kDepotSqlitePageBytes);
  if (!vfs.ok()) return Status(vfs.status().code(), "depot database " + vfs.status().message());
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           vfs.value() ? vfs.value()->name() : nullptr);
  if (rc != SQLITE_OK) {
    std::string m = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return IoError("open " + path + ": " + m);
  }
  sqlite3_busy_timeout(db, 10000);
  if (vfs.value()) {
    // Page size, reserved bytes for nonce and tag, WAL, temporary data in memory.
    if (Status s = ConfigureEncrypted(db, kDepotSqlitePageBytes); !s.ok()) {
      sqlite3_close(db);
      return IoError("open " + path + ": " + s.message());
    }
  }
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
  return std::unique_ptr<DepotStore>(new SqliteDepotStore(db, path, std::move(vfs).value()));
}

}  // namespace anpr::sync
