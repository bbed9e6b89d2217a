// The PostgreSQL depot store's hotlist versions and deltas, read searches
// and counts.
#include <algorithm>
#include <map>
#include <string>

#include "sync/src/depot_rules.h"
#include "sync/src/depot_store_pg.h"
#include "sync/src/hotlist_diff.h"
#include "vehicle/records/field_limits.h"

namespace anpr::sync::pg {

Result<int64_t> PgDepotStore::PublishHotlist(const std::string& list, const std::vector<WireHotlistEntry>& entries,
                                             const std::string& publisher) {
  if (Status named = limits::ValidateListName(list); !named.ok()) return named;
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

Result<HotlistUpdate> PgDepotStore::HotlistSince(int64_t since_version) {
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
    auto load = [&](int64_t version, std::vector<WireHotlistEntry>* out) -> Status {
      auto r = c->Query(
          "SELECT vrm,priority,reason,warning_markers,information,make,model,colour,valid_until "
          "FROM hotlist_entries WHERE version=$1 ORDER BY vrm",
          {version});
      if (!r.ok()) return r.status();
      for (int i = 0; i < PQntuples(r->get()); ++i) {
        WireHotlistEntry h;
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
      std::vector<WireHotlistEntry> base, newest;
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

Result<std::vector<Read>> PgDepotStore::SearchReads(const SearchQuery& q) {
  if (q.reason.empty()) return InvalidArgument("a search needs a reason");
  if (q.investigator.empty()) return InvalidArgument("a search needs the investigator's name");
  Lease c(this);
  std::vector<Read> out;
  Status s = InTx(*c, [&]() -> Status {
    const std::string like = VrmLikePattern(q.vrm);
    auto r = c->Query(
        like.empty() ? "SELECT record, plate_jpeg, overview_jpeg FROM reads WHERE vrm=$1 AND captured_at_utc_ms>=$2 "
                       "AND captured_at_utc_ms<$3 ORDER BY captured_at_utc_ms LIMIT $4"
                     : "SELECT record, plate_jpeg, overview_jpeg FROM reads WHERE vrm LIKE $1 AND "
                       "captured_at_utc_ms>=$2 AND captured_at_utc_ms<$3 ORDER BY captured_at_utc_ms LIMIT $4",
        {like.empty() ? q.vrm : like, q.from_utc_ms, q.to_utc_ms, static_cast<int64_t>(q.limit)});
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

Result<DepotCounts> PgDepotStore::Counts() {
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

Result<bool> PgDepotStore::Holds(const std::string& kind, const std::string& uuid) {
  if (!IsValidUuid(uuid)) return false;
  const char* sql = kind == "read"  ? "SELECT 1 FROM reads WHERE uuid=$1"
                    : kind == "hit" ? "SELECT 1 FROM hits WHERE uuid=$1"
                    : kind == "wanted" ? "SELECT 1 FROM wanted WHERE uuid=$1"
                    : kind == "hold" ? "SELECT 1 FROM read_holds WHERE uuid=$1"
                                    : "SELECT 1 FROM audit WHERE uuid=$1";
  Lease c(this);
  auto r = c->Query(sql, {uuid});
  if (!r.ok()) return r.status();
  return PQntuples(r->get()) > 0;
}

Result<std::optional<ReceivedImageHashes>> PgDepotStore::ImageHashesAsReceived(const std::string& read_uuid) {
  if (!IsValidUuid(read_uuid)) return std::optional<ReceivedImageHashes>();
  Lease c(this);
  auto r = c->Query("SELECT COALESCE(plate_sha256,''), COALESCE(overview_sha256,'') FROM read_uuids WHERE uuid=$1",
                    {read_uuid});
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) == 0) return std::optional<ReceivedImageHashes>();
  return std::optional<ReceivedImageHashes>(ReceivedImageHashes{Col(*r, 0, 0), Col(*r, 0, 1)});
}

Result<std::optional<std::string>> PgDepotStore::EnrolSigningKey(const std::string& vehicle,
                                                                 const std::string& public_key_hex) {
  Lease c(this);
  auto ins = c->Query(
      "INSERT INTO unit_keys(unit_id,public_key_ed25519,enrolled_at_utc_ms) VALUES($1,$2,$3) ON CONFLICT DO NOTHING",
      {vehicle, public_key_hex, NowUtcMs()});
  if (!ins.ok()) return ins.status();
  auto held = c->Query("SELECT public_key_ed25519 FROM unit_keys WHERE unit_id=$1", {vehicle});
  if (!held.ok()) return held.status();
  std::optional<std::string> key;
  if (PQntuples(held->get()) == 1) key = Col(*held, 0, 0);
  return KeyProblem(vehicle, key, public_key_hex);
}

Result<std::optional<std::string>> PgDepotStore::SigningKeyOf(const std::string& vehicle) {
  Lease c(this);
  auto r = c->Query("SELECT public_key_ed25519 FROM unit_keys WHERE unit_id=$1", {vehicle});
  if (!r.ok()) return r.status();
  if (PQntuples(r->get()) == 0) return std::optional<std::string>();
  return std::optional<std::string>(Col(*r, 0, 0));
}

}  // namespace anpr::sync::pg
