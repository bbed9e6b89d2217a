// PostgreSQL back end of the depot store (libpq). Several depot servers may
// share one database: migrations and partition creation take advisory locks,
// every write is one transaction, idempotency rests on primary keys.
// Reads are partitioned by month of capture (declarative RANGE partitioning
// on captured_at_utc_ms), so retention is DROP TABLE of a month.
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "sync/depot_partitions.h"
#include "sync/depot_store.h"
#include "sync/src/hotlist_diff.h"

namespace anpr::sync {
namespace {

constexpr int64_t kMigrationLock = 0x616e7072'0001;  // "anpr" + 1
constexpr int64_t kPartitionLock = 0x616e7072'0002;

const char* const kPgMigrations[] = {
    // 1: everything the first depot needs.
    R"sql(
CREATE TABLE credentials(
  token_hash text PRIMARY KEY, name text NOT NULL, role text NOT NULL,
  created_at_utc_ms bigint NOT NULL, revoked_at_utc_ms bigint);
CREATE INDEX credentials_name ON credentials(name);
-- The idempotency key of a read is its car-made uuid; the partition key must
-- be part of a primary key, and a genuine resend carries the same capture time.
CREATE TABLE reads(
  uuid uuid NOT NULL, unit_id text NOT NULL, vrm text NOT NULL,
  captured_at_utc_ms bigint NOT NULL, received_at_utc_ms bigint NOT NULL,
  record text NOT NULL, plate_jpeg bytea, overview_jpeg bytea,
  PRIMARY KEY (uuid, captured_at_utc_ms)) PARTITION BY RANGE (captured_at_utc_ms);
CREATE INDEX reads_vrm ON reads(vrm, captured_at_utc_ms);
CREATE TABLE hits(
  uuid uuid PRIMARY KEY, unit_id text NOT NULL, read_uuid uuid NOT NULL,
  list_name text NOT NULL, entry_vrm text NOT NULL, priority text NOT NULL,
  raised_at_utc_ms bigint NOT NULL, outcome text NOT NULL,
  outcome_at_utc_ms bigint NOT NULL, received_at_utc_ms bigint NOT NULL, record text NOT NULL);
CREATE TABLE audit(
  uuid uuid PRIMARY KEY, unit_id text NOT NULL, at_utc_ms bigint NOT NULL,
  actor text NOT NULL, action text NOT NULL, detail text NOT NULL, received_at_utc_ms bigint NOT NULL);
CREATE TABLE hotlist_versions(
  version bigserial PRIMARY KEY, list_name text NOT NULL,
  published_at_utc_ms bigint NOT NULL, publisher text NOT NULL, entries bigint NOT NULL);
CREATE INDEX hotlist_versions_list ON hotlist_versions(list_name, version);
CREATE TABLE hotlist_entries(
  version bigint NOT NULL REFERENCES hotlist_versions(version), vrm text NOT NULL,
  priority text NOT NULL, reason text NOT NULL, warning_markers text NOT NULL,
  information text NOT NULL, make text NOT NULL, model text NOT NULL, colour text NOT NULL,
  valid_until text NOT NULL, PRIMARY KEY(version, vrm));
CREATE TABLE search_audit(
  id bigserial PRIMARY KEY, at_utc_ms bigint NOT NULL, investigator text NOT NULL,
  vrm text NOT NULL, reason text NOT NULL, from_utc_ms bigint NOT NULL, to_utc_ms bigint NOT NULL,
  results bigint NOT NULL);
CREATE TABLE security_events(
  id bigserial PRIMARY KEY, at_utc_ms bigint NOT NULL, what text NOT NULL,
  principal text NOT NULL, remote text NOT NULL);
)sql",
    // 2: officer-entered wanted plates from the cars.
    R"sql(
CREATE TABLE wanted(
  uuid uuid PRIMARY KEY, unit_id text NOT NULL, vrm text NOT NULL, priority text NOT NULL,
  reason text NOT NULL, valid_until_utc_ms bigint NOT NULL, entered_by text NOT NULL,
  entered_at_utc_ms bigint NOT NULL, received_at_utc_ms bigint NOT NULL, record text NOT NULL);
CREATE INDEX wanted_vrm ON wanted(vrm);
)sql",
};

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// A query parameter: text, binary bytes, or NULL.
struct Param {
  Param(std::string t) : text(std::move(t)) {}  // NOLINT: implicit by design
  Param(const char* t) : text(t) {}            // NOLINT
  Param(int64_t v) : text(std::to_string(v)) {}  // NOLINT
  static Param Bytes(const std::vector<uint8_t>& b) {
    Param p("");
    p.bin = &b;
    return p;
  }
  std::string text;
  const std::vector<uint8_t>* bin = nullptr;
};

class Conn {
 public:
  explicit Conn(PGconn* c) : c_(c) {}
  ~Conn() { PQfinish(c_); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  Status Exec(const std::string& sql) {
    PgResult r(PQexec(c_, sql.c_str()));
    auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error(r.get(), "exec");
    return Status::Ok();
  }

  Result<PgResult> Query(const char* sql, const std::vector<Param>& params) {
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    for (const auto& p : params) {
      if (p.bin) {
        values.push_back(p.bin->empty() ? "" : reinterpret_cast<const char*>(p.bin->data()));
        lengths.push_back(static_cast<int>(p.bin->size()));
        formats.push_back(1);
      } else {
        values.push_back(p.text.c_str());
        lengths.push_back(0);
        formats.push_back(0);
      }
    }
    PgResult r(PQexecParams(c_, sql, static_cast<int>(params.size()), nullptr, values.data(), lengths.data(),
                            formats.data(), 0));
    auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return Error(r.get(), sql);
    return r;
  }

  // Reconnects a connection the server dropped (restart, network).
  void HealIfBroken() {
    if (PQstatus(c_) != CONNECTION_OK) PQreset(c_);
  }

 private:
  Status Error(PGresult* r, const std::string& what) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string m = "postgresql: " + std::string(PQerrorMessage(c_));
    if (r && PQresultErrorMessage(r) && *PQresultErrorMessage(r)) m = "postgresql: " + std::string(PQresultErrorMessage(r));
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    m += " (" + what.substr(0, 60) + ")";
    if (PQstatus(c_) != CONNECTION_OK) return Unavailable(m);
    if (state && std::strncmp(state, "53", 2) == 0) return {StatusCode::kResourceExhausted, m};
    if (state && (std::strcmp(state, "40001") == 0 || std::strcmp(state, "40P01") == 0)) return Unavailable(m);
    return IoError(m);
  }
  PGconn* c_;
};

// PostgreSQL prints a uuid in lower case.
std::string LowerUuid(std::string u) {
  for (auto& ch : u) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return u;
}

std::string Col(const PgResult& r, int row, int col) {
  return PQgetisnull(r.get(), row, col) ? std::string() : std::string(PQgetvalue(r.get(), row, col));
}
int64_t ColInt(const PgResult& r, int row, int col) {
  return PQgetisnull(r.get(), row, col) ? 0 : std::stoll(PQgetvalue(r.get(), row, col));
}
std::vector<uint8_t> ColBytea(const PgResult& r, int row, int col) {
  if (PQgetisnull(r.get(), row, col)) return {};
  std::size_t n = 0;
  unsigned char* p = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r.get(), row, col)), &n);
  std::vector<uint8_t> out(p, p + n);
  PQfreemem(p);
  return out;
}

class PgDepotStore final : public DepotStore {
 public:
  explicit PgDepotStore(std::vector<std::unique_ptr<Conn>> conns) {
    for (auto& c : conns) idle_.push_back(c.get());
    all_ = std::move(conns);
  }

  std::string Kind() const override { return "postgresql"; }

  Status Migrate() override {
    Lease c(this);
    return InTx(*c, [&]() -> Status {
      if (auto r = c->Query("SELECT pg_advisory_xact_lock($1)", {kMigrationLock}); !r.ok()) return r.status();
      if (auto s = c->Exec("CREATE TABLE IF NOT EXISTS schema_migrations(version integer PRIMARY KEY, "
                           "applied_at_utc_ms bigint NOT NULL)");
          !s.ok())
        return s;
      auto cur = c->Query("SELECT COALESCE(MAX(version),0) FROM schema_migrations", {});
      if (!cur.ok()) return cur.status();
      const int have = static_cast<int>(ColInt(*cur, 0, 0));
      const int n = static_cast<int>(std::size(kPgMigrations));
      for (int v = have + 1; v <= n; ++v) {
        if (auto s = c->Exec(kPgMigrations[v - 1]); !s.ok())
          return Internal("migration " + std::to_string(v) + ": " + s.message());
        if (auto r = c->Query("INSERT INTO schema_migrations VALUES($1,$2)", {int64_t{v}, NowUtcMs()}); !r.ok())
          return r.status();
      }
      return Status::Ok();
    });
  }

  Result<int> SchemaVersion() override {
    Lease c(this);
    auto r = c->Query("SELECT COALESCE(MAX(version),0) FROM schema_migrations", {});
    if (!r.ok()) return r.status();
    return static_cast<int>(ColInt(*r, 0, 0));
  }

  Status AddCredential(const Principal& p, const std::string& token_hash) override {
    Lease c(this);
    return c->Query("INSERT INTO credentials(token_hash,name,role,created_at_utc_ms) VALUES($1,$2,$3,$4)",
                    {token_hash, p.name, RoleName(p.role), NowUtcMs()})
        .status();
  }

  Status Revoke(const std::string& name) override {
    Lease c(this);
    auto r = c->Query("UPDATE credentials SET revoked_at_utc_ms=$1 WHERE name=$2 AND revoked_at_utc_ms IS NULL",
                      {NowUtcMs(), name});
    if (!r.ok()) return r.status();
    if (std::string(PQcmdTuples(r->get())) == "0") return NotFound("no active credential for '" + name + "'");
    return Status::Ok();
  }

  Result<std::optional<Principal>> Authenticate(const std::string& token_hash) override {
    Lease c(this);
    auto r = c->Query("SELECT name, role FROM credentials WHERE token_hash=$1 AND revoked_at_utc_ms IS NULL",
                      {token_hash});
    if (!r.ok()) return r.status();
    if (PQntuples(r->get()) == 0) return std::optional<Principal>();
    Principal p;
    p.name = Col(*r, 0, 0);
    if (!ParseRole(Col(*r, 0, 1), &p.role)) return Corruption("credential with unknown role");
    return std::optional<Principal>(p);
  }

  Status LogSecurityEvent(const std::string& what, const std::string& principal,
                          const std::string& remote) override {
    Lease c(this);
    return c->Query("INSERT INTO security_events(at_utc_ms,what,principal,remote) VALUES($1,$2,$3,$4)",
                    {NowUtcMs(), what, principal, remote})
        .status();
  }

  Result<IngestResult> IngestReads(const std::string& vehicle, const std::vector<Read>& reads) override {
    Lease c(this);
    for (const auto& r : reads)
      if (auto s = EnsurePartition(*c, r.captured_at_utc_ms); !s.ok()) return s;
    IngestResult out;
    Status s = InTx(*c, [&]() -> Status {
      const int64_t now = NowUtcMs();
      // Many rows per INSERT (one round trip and one plan per chunk, not per
      // read); RETURNING names the rows that were new. The rest were held
      // already and must belong to this vehicle.
      constexpr std::size_t kRowsPerInsert = 250;  // 2000 parameters
      std::map<std::pair<std::string, int64_t>, int> inserted;  // (uuid, captured) -> rows new
      for (std::size_t first = 0; first < reads.size(); first += kRowsPerInsert) {
        const std::size_t last = std::min(reads.size(), first + kRowsPerInsert);
        std::string sql =
            "INSERT INTO reads(uuid,unit_id,vrm,captured_at_utc_ms,received_at_utc_ms,record,plate_jpeg,"
            "overview_jpeg) VALUES";
        std::vector<Param> params;
        params.reserve((last - first) * 8);
        for (std::size_t i = first; i < last; ++i) {
          const Read& r = reads[i];
          const std::size_t b = params.size();
          sql += i == first ? "(" : ",(";
          for (std::size_t k = 1; k <= 8; ++k) {
            if (k > 1) sql += ',';
            sql += '$';
            sql += std::to_string(b + k);
          }
          sql += ')';
          params.emplace_back(r.uuid);
          params.emplace_back(vehicle);
          params.emplace_back(r.vrm);
          params.emplace_back(r.captured_at_utc_ms);
          params.emplace_back(now);
          params.emplace_back(EncodeRead(r, false));
          params.push_back(Param::Bytes(r.plate_jpeg));
          params.push_back(Param::Bytes(r.overview_jpeg));
        }
        sql += " ON CONFLICT DO NOTHING RETURNING uuid::text, captured_at_utc_ms";
        auto ins = c->Query(sql.c_str(), params);
        if (!ins.ok()) return ins.status();
        for (int row = 0; row < PQntuples(ins->get()); ++row) ++inserted[{Col(*ins, row, 0), ColInt(*ins, row, 1)}];
      }
      std::vector<const Read*> held;
      for (const auto& r : reads) {
        auto it = inserted.find({LowerUuid(r.uuid), r.captured_at_utc_ms});
        if (it != inserted.end() && it->second > 0) {
          --it->second;
          ++out.newly_stored;
        } else {
          held.push_back(&r);
        }
      }
      if (!held.empty()) {
        std::string arr = "{";
        for (const Read* r : held) {
          if (arr.size() > 1) arr += ',';
          arr += r->uuid;
        }
        arr += '}';
        auto o = c->Query("SELECT uuid::text, captured_at_utc_ms, unit_id FROM reads WHERE uuid = ANY($1::uuid[])",
                          {arr});
        if (!o.ok()) return o.status();
        std::map<std::pair<std::string, int64_t>, std::string> owners;
        for (int row = 0; row < PQntuples(o->get()); ++row)
          owners[{Col(*o, row, 0), ColInt(*o, row, 1)}] = Col(*o, row, 2);
        for (const Read* r : held) {
          auto it = owners.find({LowerUuid(r->uuid), r->captured_at_utc_ms});
          if (it == owners.end() || it->second != vehicle)
            return PermissionDenied("read " + r->uuid + " belongs to another vehicle");
        }
      }
      for (const auto& r : reads) out.acknowledged.push_back(r.uuid);
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return out;
  }

  Result<IngestResult> IngestHits(const std::string& vehicle, const std::vector<Hit>& hits) override {
    Lease c(this);
    IngestResult out;
    Status s = InTx(*c, [&]() -> Status {
      const int64_t now = NowUtcMs();
      for (const auto& h : hits) {
        const std::string rec = EncodeHit(h);
        auto ins = c->Query(
            "INSERT INTO hits(uuid,unit_id,read_uuid,list_name,entry_vrm,priority,raised_at_utc_ms,outcome,"
            "outcome_at_utc_ms,received_at_utc_ms,record) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) "
            "ON CONFLICT DO NOTHING",
            {h.uuid, vehicle, h.read_uuid, h.list_name, h.entry_vrm, PriorityName(h.priority), h.raised_at_utc_ms,
             HitOutcomeName(h.outcome), h.outcome_at_utc_ms, now, rec});
        if (!ins.ok()) return ins.status();
        if (std::string(PQcmdTuples(ins->get())) == "1") {
          ++out.newly_stored;
        } else {
          auto o = c->Query("SELECT unit_id FROM hits WHERE uuid=$1", {h.uuid});
          if (!o.ok()) return o.status();
          if (PQntuples(o->get()) != 1 || Col(*o, 0, 0) != vehicle)
            return PermissionDenied("hit " + h.uuid + " belongs to another vehicle");
          auto u = c->Query(
              "UPDATE hits SET outcome=$1, outcome_at_utc_ms=$2, record=$3 WHERE uuid=$4 AND outcome_at_utc_ms<$2",
              {HitOutcomeName(h.outcome), h.outcome_at_utc_ms, rec, h.uuid});
          if (!u.ok()) return u.status();
        }
        out.acknowledged.push_back(h.uuid);
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return out;
  }

  Result<IngestResult> IngestAudit(const std::string& vehicle, const std::vector<AuditEntry>& entries) override {
    Lease c(this);
    IngestResult out;
    Status s = InTx(*c, [&]() -> Status {
      const int64_t now = NowUtcMs();
      for (const auto& a : entries) {
        auto ins = c->Query(
            "INSERT INTO audit(uuid,unit_id,at_utc_ms,actor,action,detail,received_at_utc_ms) "
            "VALUES($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING",
            {a.uuid, vehicle, a.at_utc_ms, a.actor, a.action, a.detail, now});
        if (!ins.ok()) return ins.status();
        if (std::string(PQcmdTuples(ins->get())) == "1") {
          ++out.newly_stored;
        } else {
          auto o = c->Query("SELECT unit_id FROM audit WHERE uuid=$1", {a.uuid});
          if (!o.ok()) return o.status();
          if (PQntuples(o->get()) != 1 || Col(*o, 0, 0) != vehicle)
            return PermissionDenied("audit entry " + a.uuid + " belongs to another vehicle");
        }
        out.acknowledged.push_back(a.uuid);
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return out;
  }

  Result<IngestResult> IngestWanted(const std::string& vehicle, const std::vector<WantedEntry>& entries) override {
    Lease c(this);
    IngestResult out;
    Status s = InTx(*c, [&]() -> Status {
      const int64_t now = NowUtcMs();
      for (const auto& x : entries) {
        auto ins = c->Query(
            "INSERT INTO wanted(uuid,unit_id,vrm,priority,reason,valid_until_utc_ms,entered_by,entered_at_utc_ms,"
            "received_at_utc_ms,record) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT DO NOTHING",
            {x.uuid, vehicle, x.vrm, std::string(PriorityName(x.priority)), x.reason, x.valid_until_utc_ms,
             x.entered_by, x.entered_at_utc_ms, now, EncodeWanted({x})});
        if (!ins.ok()) return ins.status();
        if (std::string(PQcmdTuples(ins->get())) == "1") {
          ++out.newly_stored;
        } else {
          auto o = c->Query("SELECT unit_id FROM wanted WHERE uuid=$1", {x.uuid});
          if (!o.ok()) return o.status();
          if (PQntuples(o->get()) != 1 || Col(*o, 0, 0) != vehicle)
            return PermissionDenied("wanted entry " + x.uuid + " belongs to another vehicle");
        }
        out.acknowledged.push_back(x.uuid);
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return out;
  }

  Result<int64_t> PublishHotlist(const std::string& list, const std::vector<HotlistEntry>& entries,
                                 const std::string& publisher) override {
    Lease c(this);
    int64_t version = 0;
    Status s = InTx(*c, [&]() -> Status {
      auto v = c->Query(
          "INSERT INTO hotlist_versions(list_name,published_at_utc_ms,publisher,entries) VALUES($1,$2,$3,$4) "
          "RETURNING version",
          {list, NowUtcMs(), publisher, static_cast<int64_t>(entries.size())});
      if (!v.ok()) return v.status();
      version = ColInt(*v, 0, 0);
      for (const auto& h : entries) {
        auto e = c->Query("INSERT INTO hotlist_entries VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
                          {version, h.vrm, PriorityName(h.priority), h.reason, h.warning_markers, h.information,
                           h.make, h.model, h.colour, h.valid_until});
        if (!e.ok()) return e.status();
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return version;
  }

  Result<HotlistUpdate> HotlistSince(int64_t since_version) override {
    Lease c(this);
    HotlistUpdate u;
    Status s = InTx(*c, [&]() -> Status {
      // REPEATABLE READ would be stricter; versions are immutable once
      // committed, so reading a consistent set of rows needs no more.
      auto latest = c->Query("SELECT COALESCE(MAX(version),0) FROM hotlist_versions", {});
      if (!latest.ok()) return latest.status();
      u.latest_version = ColInt(*latest, 0, 0);
      auto lists = c->Query(
          "SELECT list_name, MAX(version), (SELECT MAX(version) FROM hotlist_versions b WHERE "
          "b.list_name=a.list_name AND b.version<=$1) FROM hotlist_versions a WHERE a.version <= $2 "
          "GROUP BY list_name HAVING MAX(version) > $1 ORDER BY list_name",
          {since_version, u.latest_version});
      if (!lists.ok()) return lists.status();
      auto load = [&](int64_t version, std::vector<HotlistEntry>* out) -> Status {
        auto r = c->Query(
            "SELECT vrm,priority,reason,warning_markers,information,make,model,colour,valid_until "
            "FROM hotlist_entries WHERE version=$1 ORDER BY vrm",
            {version});
        if (!r.ok()) return r.status();
        for (int i = 0; i < PQntuples(r->get()); ++i) {
          HotlistEntry h;
          h.vrm = Col(*r, i, 0);
          ParsePriority(Col(*r, i, 1), &h.priority);
          h.reason = Col(*r, i, 2);
          h.warning_markers = Col(*r, i, 3);
          h.information = Col(*r, i, 4);
          h.make = Col(*r, i, 5);
          h.model = Col(*r, i, 6);
          h.colour = Col(*r, i, 7);
          h.valid_until = Col(*r, i, 8);
          out->push_back(std::move(h));
        }
        return Status::Ok();
      };
      for (int i = 0; i < PQntuples(lists->get()); ++i) {
        const std::string name = Col(*lists, i, 0);
        const int64_t to = ColInt(*lists, i, 1);
        const int64_t from = ColInt(*lists, i, 2);
        std::vector<HotlistEntry> base, newest;
        if (auto st = load(to, &newest); !st.ok()) return st;
        if (from > 0)
          if (auto st = load(from, &base); !st.ok()) return st;
        u.lists.push_back(DiffHotlist(name, from, to, base, newest));
      }
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return u;
  }

  Result<std::vector<Read>> SearchReads(const SearchQuery& q) override {
    if (q.reason.empty()) return InvalidArgument("a search needs a reason");
    if (q.investigator.empty()) return InvalidArgument("a search needs the investigator's name");
    Lease c(this);
    std::vector<Read> out;
    Status s = InTx(*c, [&]() -> Status {
      auto r = c->Query(
          "SELECT record, plate_jpeg, overview_jpeg FROM reads WHERE vrm=$1 AND captured_at_utc_ms>=$2 "
          "AND captured_at_utc_ms<$3 ORDER BY captured_at_utc_ms LIMIT $4",
          {q.vrm, q.from_utc_ms, q.to_utc_ms, static_cast<int64_t>(q.limit)});
      if (!r.ok()) return r.status();
      for (int i = 0; i < PQntuples(r->get()); ++i) {
        auto rd = ParseRead(Col(*r, i, 0));
        if (!rd.ok()) return Corruption("stored read does not parse: " + rd.status().message());
        if (q.with_images) {
          rd->plate_jpeg = ColBytea(*r, i, 1);
          rd->overview_jpeg = ColBytea(*r, i, 2);
        }
        out.push_back(std::move(*rd));
      }
      return c
          ->Query("INSERT INTO search_audit(at_utc_ms,investigator,vrm,reason,from_utc_ms,to_utc_ms,results) "
                  "VALUES($1,$2,$3,$4,$5,$6,$7)",
                  {NowUtcMs(), q.investigator, q.vrm, q.reason, q.from_utc_ms, q.to_utc_ms,
                   static_cast<int64_t>(out.size())})
          .status();
    });
    if (!s.ok()) return s;
    return out;
  }

  Result<DepotCounts> Counts() override {
    Lease c(this);
    auto r = c->Query(
        "SELECT (SELECT COUNT(*) FROM reads),(SELECT COUNT(*) FROM hits),(SELECT COUNT(*) FROM audit),"
        "(SELECT COUNT(*) FROM search_audit),(SELECT COUNT(*) FROM security_events),"
        "(SELECT COUNT(DISTINCT uuid) FROM reads),(SELECT COUNT(*) FROM wanted)",
        {});
    if (!r.ok()) return r.status();
    DepotCounts d;
    d.reads = ColInt(*r, 0, 0);
    d.hits = ColInt(*r, 0, 1);
    d.audit = ColInt(*r, 0, 2);
    d.searches = ColInt(*r, 0, 3);
    d.security_events = ColInt(*r, 0, 4);
    d.distinct_read_uuids = ColInt(*r, 0, 5);
    d.wanted = ColInt(*r, 0, 6);
    return d;
  }

  Result<bool> Holds(const std::string& kind, const std::string& uuid) override {
    if (!IsValidUuid(uuid)) return false;
    const char* sql = kind == "read"  ? "SELECT 1 FROM reads WHERE uuid=$1"
                      : kind == "hit" ? "SELECT 1 FROM hits WHERE uuid=$1"
                      : kind == "wanted" ? "SELECT 1 FROM wanted WHERE uuid=$1"
                                      : "SELECT 1 FROM audit WHERE uuid=$1";
    Lease c(this);
    auto r = c->Query(sql, {uuid});
    if (!r.ok()) return r.status();
    return PQntuples(r->get()) > 0;
  }

  Result<int> DropReadsBefore(int64_t cutoff_utc_ms) override {
    Lease c(this);
    // Partitions whose upper bound is at or before the cutoff's month start.
    auto parts = c->Query(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid=i.inhrelid "
        "JOIN pg_class p ON p.oid=i.inhparent WHERE p.relname='reads' AND c.relname LIKE 'reads_p%'",
        {});
    if (!parts.ok()) return parts.status();
    const std::string bound_tag = "reads_p" + MonthTag(cutoff_utc_ms);
    int dropped = 0;
    for (int i = 0; i < PQntuples(parts->get()); ++i) {
      const std::string name = Col(*parts, i, 0);
      if (name >= bound_tag) continue;  // reads_pYYYY_MM sorts by time
      if (auto s = c->Exec("DROP TABLE IF EXISTS " + name); !s.ok()) return s;
      ++dropped;
      std::lock_guard lock(mu_);
      known_partitions_.clear();
    }
    return dropped;
  }

 private:
  // Borrows a pooled connection for one call.
  class Lease {
   public:
    explicit Lease(PgDepotStore* s) : s_(s) {
      std::unique_lock lock(s_->mu_);
      s_->cv_.wait(lock, [&] { return !s_->idle_.empty(); });
      c_ = s_->idle_.front();
      s_->idle_.pop_front();
      lock.unlock();
      c_->HealIfBroken();
    }
    ~Lease() {
      std::lock_guard lock(s_->mu_);
      s_->idle_.push_back(c_);
      s_->cv_.notify_one();
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Conn* operator->() { return c_; }
    Conn& operator*() { return *c_; }

   private:
    PgDepotStore* s_;
    Conn* c_;
  };

  static Status InTx(Conn& c, const std::function<Status()>& body) {
    if (auto s = c.Exec("BEGIN"); !s.ok()) return s;
    Status s = body();
    if (!s.ok()) {
      c.Exec("ROLLBACK");
      return s;
    }
    if (auto cs = c.Exec("COMMIT"); !cs.ok()) {
      c.Exec("ROLLBACK");
      return cs;
    }
    return Status::Ok();
  }

  // Creates the month partition holding `utc_ms` unless this process has
  // seen it. The advisory lock serialises creators across depot servers.
  Status EnsurePartition(Conn& c, int64_t utc_ms) {
    const int64_t lo = MonthStartUtcMs(utc_ms);
    {
      std::lock_guard lock(mu_);
      if (known_partitions_.count(lo)) return Status::Ok();
    }
    const int64_t hi = NextMonthStartUtcMs(utc_ms);
    Status s = InTx(c, [&]() -> Status {
      if (auto r = c.Query("SELECT pg_advisory_xact_lock($1)", {kPartitionLock}); !r.ok()) return r.status();
      return c.Exec("CREATE TABLE IF NOT EXISTS reads_p" + MonthTag(utc_ms) + " PARTITION OF reads FOR VALUES FROM (" +
                    std::to_string(lo) + ") TO (" + std::to_string(hi) + ")");
    });
    if (!s.ok()) return s;
    std::lock_guard lock(mu_);
    known_partitions_.insert(lo);
    return Status::Ok();
  }

  std::mutex mu_;  // guards idle_ and known_partitions_
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Conn>> all_;
  std::deque<Conn*> idle_;
  std::set<int64_t> known_partitions_;
};

}  // namespace

Result<std::unique_ptr<DepotStore>> OpenPostgresDepotStore(const std::string& conninfo, int pool_size) {
  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < std::max(1, pool_size); ++i) {
    PGconn* c = PQconnectdb(conninfo.c_str());
    if (PQstatus(c) != CONNECTION_OK) {
      std::string m = PQerrorMessage(c);
      PQfinish(c);
      while (!m.empty() && m.back() == '\n') m.pop_back();
      return Unavailable("postgresql: cannot connect: " + m);
    }
    // Quiet NOTICEs ("relation already exists, skipping") from IF NOT EXISTS.
    PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
    conns.push_back(std::make_unique<Conn>(c));
  }
  return std::unique_ptr<DepotStore>(new PgDepotStore(std::move(conns)));
}

}  // namespace anpr::sync
