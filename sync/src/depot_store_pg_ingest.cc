// The PostgreSQL depot store's uploads from the cars: reads, hits, audit
// and wanted plates, each batch one transaction, idempotent by UUID.
#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "sync/src/depot_rules.h"
#include "sync/src/depot_store_pg.h"

namespace anpr::sync::pg {

namespace {

// "$1,$2,...": the placeholders of one row of `columns` values, the first
// numbered first + 1.
std::string RowPlaceholders(std::size_t first, std::size_t columns) {
  std::string row = "(";
  for (std::size_t k = 1; k <= columns; ++k) {
    if (k > 1) row += ',';
    row += '$';
    row += std::to_string(first + k);
  }
  return row + ')';
}

}  // namespace

Result<IngestResult> PgDepotStore::IngestReads(const std::string& vehicle, const std::vector<Read>& reads) {
  Lease c(this);
  for (const auto& r : reads)
    if (auto s = EnsurePartition(*c, r.captured_at_utc_ms); !s.ok()) return s;
  IngestResult out;
  Status s = InTx(*c, [&]() -> Status {
    const int64_t now = NowUtcMs();
    // Many rows per INSERT (one round trip and one plan per chunk, not per
    // read). A uuid is claimed first in read_uuids, which is not partitioned
    // and so unique whatever the capture time; RETURNING names the uuids new
    // to the depot. Only their reads are stored; every other read must be a
    // resend of the held one (same vehicle, same capture time).
    constexpr std::size_t kRowsPerInsert = 250;  // 2000 parameters
    std::set<std::string> claimed;  // lower-case uuids new in this batch
    for (std::size_t first = 0; first < reads.size(); first += kRowsPerInsert) {
      const std::size_t last = std::min(reads.size(), first + kRowsPerInsert);
      std::string sql =
          "INSERT INTO read_uuids(uuid,unit_id,captured_at_utc_ms,plate_sha256,overview_sha256) VALUES";
      std::vector<Param> params;
      for (std::size_t i = first; i < last; ++i) {
        if (i > first) sql += ',';
        sql += RowPlaceholders(params.size(), 5);
        params.emplace_back(reads[i].uuid);
        params.emplace_back(vehicle);
        params.emplace_back(reads[i].captured_at_utc_ms);
        params.emplace_back(ImageSha256(reads[i].plate_jpeg));  // as received
        params.emplace_back(ImageSha256(reads[i].overview_jpeg));
      }
      sql += " ON CONFLICT DO NOTHING RETURNING uuid::text";
      auto ins = c->Query(sql.c_str(), params);
      if (!ins.ok()) return ins.status();
      for (int row = 0; row < PQntuples(ins->get()); ++row) claimed.insert(Col(*ins, row, 0));
    }
    std::vector<const Read*> fresh, held;
    for (const auto& r : reads) (claimed.erase(LowerUuid(r.uuid)) ? fresh : held).push_back(&r);
    for (std::size_t first = 0; first < fresh.size(); first += kRowsPerInsert) {
      const std::size_t last = std::min(fresh.size(), first + kRowsPerInsert);
      std::string sql =
          "INSERT INTO reads(uuid,unit_id,vrm,captured_at_utc_ms,received_at_utc_ms,record,plate_jpeg,"
          "overview_jpeg) VALUES";
      std::vector<Param> params;
      params.reserve((last - first) * 8);
      for (std::size_t i = first; i < last; ++i) {
        const Read& r = *fresh[i];
        if (i > first) sql += ',';
        sql += RowPlaceholders(params.size(), 8);
        params.emplace_back(r.uuid);
        params.emplace_back(vehicle);
        params.emplace_back(r.vrm);
        params.emplace_back(r.captured_at_utc_ms);
        params.emplace_back(now);
        params.emplace_back(EncodeRead(r, false));
        params.push_back(Param::Bytes(r.plate_jpeg));
        params.push_back(Param::Bytes(r.overview_jpeg));
      }
      if (auto ins = c->Query(sql.c_str(), params); !ins.ok()) return ins.status();
    }
    out.newly_stored = fresh.size();
    if (!held.empty()) {
      std::string arr = "{";
      for (const Read* r : held) {
        if (arr.size() > 1) arr += ',';
        arr += r->uuid;
      }
      arr += '}';
      auto o = c->Query("SELECT uuid::text, unit_id, captured_at_utc_ms FROM read_uuids WHERE uuid = ANY($1::uuid[])",
                        {arr});
      if (!o.ok()) return o.status();
      std::map<std::string, std::pair<std::string, int64_t>> owners;
      for (int row = 0; row < PQntuples(o->get()); ++row)
        owners[Col(*o, row, 0)] = {Col(*o, row, 1), ColInt(*o, row, 2)};
      for (const Read* r : held) {
        auto it = owners.find(LowerUuid(r->uuid));
        if (it == owners.end()) return Internal("read " + r->uuid + " neither new nor held");
        if (Status rule = ReadOnHeldUuid(*r, it->second.first, it->second.second, vehicle); !rule.ok()) return rule;
      }
    }
    for (const auto& r : reads) out.acknowledged.push_back(r.uuid);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<IngestResult> PgDepotStore::IngestHits(const std::string& vehicle, const std::vector<Hit>& hits) {
  Lease c(this);
  IngestResult out;
  Status s = InTx(*c, [&]() -> Status {
    // A hit's read, once held, must be this vehicle's (it may still be on
    // its way: hits travel before reads).
    if (!hits.empty()) {
      std::string arr = "{";
      for (const Hit& h : hits) {
        if (arr.size() > 1) arr += ',';
        arr += h.read_uuid;
      }
      arr += '}';
      auto o = c->Query("SELECT uuid::text, unit_id FROM read_uuids WHERE uuid = ANY($1::uuid[])", {arr});
      if (!o.ok()) return o.status();
      std::map<std::string, std::string> read_owner;
      for (int row = 0; row < PQntuples(o->get()); ++row) read_owner[Col(*o, row, 0)] = Col(*o, row, 1);
      for (const Hit& h : hits) {
        auto it = read_owner.find(LowerUuid(h.read_uuid));
        if (it != read_owner.end() && it->second != vehicle) return HitOnForeignRead(h);
      }
    }
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

Result<IngestResult> PgDepotStore::IngestAudit(const std::string& vehicle, const std::vector<WireAuditEntry>& entries) {
  Lease c(this);
  IngestResult out;
  Status s = InTx(*c, [&]() -> Status {
    const int64_t now = NowUtcMs();
    // One car's chain link is read and moved by one depot server at a time.
    auto held = HeldLink(*c, vehicle, /*lock=*/true);
    if (!held.ok()) return held.status();
    auto reported = ReportedLink(*c, vehicle);
    if (!reported.ok()) return reported.status();
    const int64_t held_before = held->seq;
    for (const auto& a : entries) {
      auto ins = c->Query(
          "INSERT INTO audit(uuid,unit_id,at_utc_ms,actor,action,detail,received_at_utc_ms) "
          "VALUES($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING",
          {a.uuid, vehicle, a.at_utc_ms, a.actor, a.action, a.detail, now});
      if (!ins.ok()) return ins.status();
      if (std::string(PQcmdTuples(ins->get())) == "1") {
        ++out.newly_stored;
        if (std::string note = ChainBreak(vehicle, *held, *reported, a); !note.empty()) out.security_notes.push_back(note);
        if (a.chain_seq && *a.chain_seq > held->seq) *held = {*a.chain_seq, a.chain_hash};
      } else {
        auto o = c->Query("SELECT unit_id FROM audit WHERE uuid=$1", {a.uuid});
        if (!o.ok()) return o.status();
        if (PQntuples(o->get()) != 1 || Col(*o, 0, 0) != vehicle)
          return PermissionDenied("audit entry " + a.uuid + " belongs to another vehicle");
      }
      out.acknowledged.push_back(a.uuid);
    }
    if (held->seq > held_before) {
      auto put = c->Query(
          "INSERT INTO audit_heads(unit_id,seq,hash,updated_at_utc_ms) VALUES($1,$2,$3,$4) ON CONFLICT (unit_id) "
          "DO UPDATE SET seq=EXCLUDED.seq, hash=EXCLUDED.hash, updated_at_utc_ms=EXCLUDED.updated_at_utc_ms",
          {vehicle, held->seq, held->hash, now});
      if (!put.ok()) return put.status();
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<IngestResult> PgDepotStore::IngestWanted(const std::string& vehicle, const std::vector<WantedEntry>& entries) {
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

Result<IngestResult> PgDepotStore::IngestHolds(const std::string& vehicle, const std::vector<HoldEntry>& holds) {
  Lease c(this);
  IngestResult out;
  Status s = InTx(*c, [&]() -> Status {
    const int64_t now = NowUtcMs();
    for (const auto& x : holds) {
      auto ins = c->Query(
          "INSERT INTO read_holds(uuid,unit_id,vrm,reason,placed_by,placed_at_utc_ms,until_utc_ms,received_at_utc_ms) "
          "VALUES($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING",
          {x.uuid, vehicle, x.vrm, x.reason, x.placed_by, x.placed_at_utc_ms, x.until_utc_ms, now});
      if (!ins.ok()) return ins.status();
      if (std::string(PQcmdTuples(ins->get())) == "1") {
        ++out.newly_stored;
      } else {
        auto o = c->Query("SELECT unit_id FROM read_holds WHERE uuid=$1", {x.uuid});
        if (!o.ok()) return o.status();
        if (PQntuples(o->get()) != 1 || Col(*o, 0, 0) != vehicle)
          return PermissionDenied("hold " + x.uuid + " belongs to another vehicle");
      }
      out.acknowledged.push_back(x.uuid);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<HeldChainLink> PgDepotStore::HeldLink(Conn& c, const std::string& vehicle, bool lock) {
  if (lock) {
    if (auto l = c.Query("SELECT pg_advisory_xact_lock($1, hashtext($2))", {int64_t{kAuditHeadLockSpace}, vehicle});
        !l.ok())
      return l.status();
  }
  auto r = c.Query("SELECT seq, hash FROM audit_heads WHERE unit_id=$1", {vehicle});
  if (!r.ok()) return r.status();
  HeldChainLink held;
  if (PQntuples(r->get()) == 1) held = {ColInt(*r, 0, 0), Col(*r, 0, 1)};
  return held;
}

Result<HeldChainLink> PgDepotStore::ReportedLink(Conn& c, const std::string& vehicle) {
  auto r = c.Query("SELECT seq, hash FROM audit_reported_heads WHERE unit_id=$1", {vehicle});
  if (!r.ok()) return r.status();
  HeldChainLink reported;
  if (PQntuples(r->get()) == 1) reported = {ColInt(*r, 0, 0), Col(*r, 0, 1)};
  return reported;
}

Result<std::optional<std::string>> PgDepotStore::CheckAuditChainHead(const std::string& vehicle,
                                                                     const AuditChainHead& head) {
  Lease c(this);
  std::optional<std::string> problem;
  Status s = InTx(*c, [&]() -> Status {
    auto held = HeldLink(*c, vehicle, /*lock=*/true);
    if (!held.ok()) return held.status();
    auto reported = ReportedLink(*c, vehicle);
    if (!reported.ok()) return reported.status();
    problem = HeadProblem(vehicle, *held, *reported, head);
    if (head.seq <= reported->seq) return Status::Ok();
    auto put = c->Query(
        "INSERT INTO audit_reported_heads(unit_id,seq,hash,reported_at_utc_ms) VALUES($1,$2,$3,$4) "
        "ON CONFLICT (unit_id) DO UPDATE SET seq=EXCLUDED.seq, hash=EXCLUDED.hash, "
        "reported_at_utc_ms=EXCLUDED.reported_at_utc_ms",
        {vehicle, head.seq, head.hash, NowUtcMs()});
    return put.status();
  });
  if (!s.ok()) return s;
  return problem;
}

}  // namespace anpr::sync::pg
