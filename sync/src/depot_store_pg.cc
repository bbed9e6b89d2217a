// PostgreSQL back end of the depot store (libpq). Several depot servers may
// share one database: migrations and partition creation take advisory locks,
// every write is one transaction, idempotency rests on primary keys.
// Reads are partitioned by month of capture (declarative RANGE partitioning
// on captured_at_utc_ms), so retention is DROP TABLE of a month.
//
// This file: the schema and its migrations, credentials, the security log,
// month partitions and retention, transactions and opening the pool.
#include "sync/src/depot_store_pg.h"

#include <algorithm>
#include <cstring>

#include "sync/depot_partitions.h"

namespace anpr::sync {
namespace pg {
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
    // 3: a read uuid is unique across the month partitions. The primary key
    // of reads must hold the partition key, so alone it let one uuid be
    // stored again under another capture time. Every uuid is claimed here
    // first (kept as long as its read: retention deletes both). Where an
    // older depot already holds a uuid twice, the first received is its owner.
    R"sql(
CREATE TABLE read_uuids(
  uuid uuid PRIMARY KEY, unit_id text NOT NULL, captured_at_utc_ms bigint NOT NULL);
CREATE INDEX read_uuids_captured ON read_uuids(captured_at_utc_ms);
INSERT INTO read_uuids(uuid, unit_id, captured_at_utc_ms)
  SELECT DISTINCT ON (uuid) uuid, unit_id, captured_at_utc_ms FROM reads ORDER BY uuid, received_at_utc_ms;
)sql",
    // 4: each car's newest audit chain link, the depot's anchor of that chain.
    R"sql(
CREATE TABLE audit_heads(
  unit_id text PRIMARY KEY, seq bigint NOT NULL, hash text NOT NULL, updated_at_utc_ms bigint NOT NULL);
)sql",
    // 5: investigation holds from the cars; retention keeps the reads they name.
    R"sql(
CREATE TABLE read_holds(
  uuid uuid PRIMARY KEY, unit_id text NOT NULL, vrm text NOT NULL, reason text NOT NULL,
  placed_by text NOT NULL, placed_at_utc_ms bigint NOT NULL, until_utc_ms bigint NOT NULL,
  received_at_utc_ms bigint NOT NULL);
CREATE INDEX read_holds_vrm ON read_holds(vrm, until_utc_ms);
)sql",
    // 6: evidence: each read's image hashes as received (beside its claimed
    // uuid, kept as long as the read), and each vehicle's export signing key.
    R"sql(
ALTER TABLE read_uuids ADD COLUMN plate_sha256 text, ADD COLUMN overview_sha256 text;
CREATE TABLE unit_keys(
  unit_id text PRIMARY KEY, public_key_ed25519 text NOT NULL, enrolled_at_utc_ms bigint NOT NULL);
)sql",
    // 7: the newest audit chain head each car reported, which may be ahead of
    // the entries it sent (DepotStore::CheckAuditChainHead).
    R"sql(
CREATE TABLE audit_reported_heads(
  unit_id text PRIMARY KEY, seq bigint NOT NULL, hash text NOT NULL, reported_at_utc_ms bigint NOT NULL);
)sql",
    // 8: '?' wildcard searches (VRM LIKE 'AB12_CD'). The btree reads_vrm
    // serves a LIKE only under the C collation and only for a literal
    // prefix, so under any other locale, or with a leading '?', a search
    // read every month's partition: seconds at 10M reads
    // (tests/sync/depot_search_bench). A trigram index finds the plates by
    // the characters around the wildcards. pg_trgm ships with PostgreSQL and
    // is a trusted extension: the database's owner may create it.
    R"sql(
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX reads_vrm_trgm ON reads USING gin (vrm gin_trgm_ops);
)sql",
};

}  // namespace

PgDepotStore::PgDepotStore(std::vector<std::unique_ptr<Conn>> conns) {
  for (auto& c : conns) idle_.push_back(c.get());
  all_ = std::move(conns);
}

Status PgDepotStore::Migrate() {
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

Result<int> PgDepotStore::SchemaVersion() {
  Lease c(this);
  auto r = c->Query("SELECT COALESCE(MAX(version),0) FROM schema_migrations", {});
  if (!r.ok()) return r.status();
  return static_cast<int>(ColInt(*r, 0, 0));
}

Status PgDepotStore::AddCredential(const Principal& p, const std::string& token_hash) {
  Lease c(this);
  return c->Query("INSERT INTO credentials(token_hash,name,role,created_at_utc_ms) VALUES($1,$2,$3,$4)",
                  {token_hash, p.name, RoleName(p.role), NowUtcMs()})
      .status();
}

Status PgDepotStore::Revoke(const std::string& name) {
  Lease c(this);
  auto r = c->Query("UPDATE credentials SET revoked_at_utc_ms=$1 WHERE name=$2 AND revoked_at_utc_ms IS NULL",
                    {NowUtcMs(), name});
  if (!r.ok()) return r.status();
  if (std::string(PQcmdTuples(r->get())) == "0") return NotFound("no active credential for '" + name + "'");
  return Status::Ok();
}

Result<std::optional<Principal>> PgDepotStore::Authenticate(const std::string& token_hash) {
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

Status PgDepotStore::LogSecurityEvent(const std::string& what, const std::string& principal,
                                      const std::string& remote) {
  Lease c(this);
  return c->Query("INSERT INTO security_events(at_utc_ms,what,principal,remote) VALUES($1,$2,$3,$4)",
                  {NowUtcMs(), what, principal, remote})
      .status();
}

Result<int> PgDepotStore::DropReadsBefore(int64_t cutoff_utc_ms) {
  Lease c(this);
  // Partitions whose upper bound is at or before the cutoff's month start.
  auto parts = c->Query(
      "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid=i.inhrelid "
      "JOIN pg_class p ON p.oid=i.inhparent WHERE p.relname='reads' AND c.relname LIKE 'reads_p%'",
      {});
  if (!parts.ok()) return parts.status();
  const std::string bound_tag = "reads_p" + MonthTag(cutoff_utc_ms);
  std::vector<std::string> old;
  for (int i = 0; i < PQntuples(parts->get()); ++i) {
    const std::string name = Col(*parts, i, 0);
    if (name < bound_tag) old.push_back(name);  // reads_pYYYY_MM sorts by time
  }
  if (old.empty()) return 0;
  // The partitions and their uuids go together (DDL is transactional here):
  // a uuid claimed without its read would acknowledge a resend never stored.
  // A partition holding a read under a hold in force is kept, with only
  // its held reads (and their uuids).
  int dropped = 0;
  const int64_t now = NowUtcMs();
  constexpr const char* kHeld = "vrm IN (SELECT vrm FROM read_holds WHERE until_utc_ms > $1)";
  Status s = InTx(*c, [&]() -> Status {
    for (const std::string& name : old) {
      const std::string count_held = "SELECT count(*) FROM " + name + " WHERE " + kHeld;
      auto held = c->Query(count_held.c_str(), {now});
      if (!held.ok()) return held.status();
      const std::string uuids_of = "DELETE FROM read_uuids WHERE uuid IN (SELECT uuid FROM " + name;
      if (ColInt(*held, 0, 0) == 0) {
        if (auto d = c->Exec(uuids_of + ")"); !d.ok()) return d;
        if (auto d = c->Exec("DROP TABLE IF EXISTS " + name); !d.ok()) return d;
        ++dropped;
      } else {
        const std::string uuids_unheld = uuids_of + " WHERE NOT " + kHeld + ")";
        const std::string reads_unheld = "DELETE FROM " + name + " WHERE NOT " + kHeld;
        if (auto r = c->Query(uuids_unheld.c_str(), {now}); !r.ok()) return r.status();
        if (auto r = c->Query(reads_unheld.c_str(), {now}); !r.ok()) return r.status();
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  MutexLock lock(&mu_);
  known_partitions_.clear();
  return dropped;
}

Status PgDepotStore::InTx(Conn& c, const std::function<Status()>& body) {
  if (auto s = c.Exec("BEGIN"); !s.ok()) return s;
  Status s = body();
  if (!s.ok()) {
    c.Exec("ROLLBACK").IgnoreError();  // the failure is returned
    return s;
  }
  if (auto cs = c.Exec("COMMIT"); !cs.ok()) {
    c.Exec("ROLLBACK").IgnoreError();  // the failure is returned
    return cs;
  }
  return Status::Ok();
}

// Creates the month partition holding `utc_ms` unless this process has
// seen it. The advisory lock serialises creators across depot servers.
Status PgDepotStore::EnsurePartition(Conn& c, int64_t utc_ms) {
  const int64_t lo = MonthStartUtcMs(utc_ms);
  {
    MutexLock lock(&mu_);
    if (known_partitions_.count(lo)) return Status::Ok();
  }
  const int64_t hi = NextMonthStartUtcMs(utc_ms);
  Status s = InTx(c, [&]() -> Status {
    if (auto r = c.Query("SELECT pg_advisory_xact_lock($1)", {kPartitionLock}); !r.ok()) return r.status();
    return c.Exec("CREATE TABLE IF NOT EXISTS reads_p" + MonthTag(utc_ms) + " PARTITION OF reads FOR VALUES FROM (" +
                  std::to_string(lo) + ") TO (" + std::to_string(hi) + ")");
  });
  if (!s.ok()) return s;
  MutexLock lock(&mu_);
  known_partitions_.insert(lo);
  return Status::Ok();
}

}  // namespace pg

Result<std::unique_ptr<DepotStore>> OpenPostgresDepotStore(const std::string& conninfo, int pool_size) {
  std::vector<std::unique_ptr<pg::Conn>> conns;
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
    conns.push_back(std::make_unique<pg::Conn>(c));
  }
  return std::unique_ptr<DepotStore>(new pg::PgDepotStore(std::move(conns)));
}

}  // namespace anpr::sync
