#include "vehicle/store/src/rows.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "vehicle/records/vrm.h"
#include "vehicle/store/src/store_impl.h"

namespace anpr::store_internal {
namespace {

// ---------------------------------------------------------------------------
// Row <-> record
// ---------------------------------------------------------------------------

std::string EncodeCandidates(const std::vector<PlateCandidate>& cs) {
  std::string out;
  for (const auto& c : cs) {
    if (!out.empty()) out.push_back(';');
    char conf[32];
    std::snprintf(conf, sizeof conf, "%.3f", c.confidence);
    out += NormaliseVrm(c.vrm) + ":" + conf;
  }
  return out;
}

std::vector<PlateCandidate> DecodeCandidates(const std::string& text) {
  std::vector<PlateCandidate> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(';', pos);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(pos, end - pos);
    const size_t colon = item.find(':');
    PlateCandidate c;
    c.vrm = item.substr(0, colon);
    if (colon != std::string::npos) c.confidence = std::atof(item.c_str() + colon + 1);
    out.push_back(std::move(c));
    pos = end + 1;
  }
  return out;
}

constexpr const char* kReadColumns =
    "r.uuid, r.vrm, r.confidence, r.char_confidence, r.candidates, r.syntax, r.captured_at_utc_ms, "
    "r.clock_source, r.clock_offset_ms, r.camera_id, r.unit_id, r.officer_id, r.fix_mode, r.lat_deg, "
    "r.lon_deg, r.speed_mps, r.heading_deg, r.fix_age_ms, r.synced_at_utc_ms, r.clock_unverified";
constexpr const char* kImageColumns = ", i.plate_jpeg, i.overview_jpeg";

}  // namespace

Read ReadFromRow(const Stmt& s, bool with_images) {
  Read r;
  r.uuid = s.Text(0);
  r.vrm = s.Text(1);
  r.confidence = s.Real(2);
  const std::vector<uint8_t> cc = s.Blob(3);
  r.char_confidence.resize(cc.size() / sizeof(float));
  if (!r.char_confidence.empty()) std::memcpy(r.char_confidence.data(), cc.data(), r.char_confidence.size() * sizeof(float));
  r.candidates = DecodeCandidates(s.Text(4));
  r.syntax = s.Text(5);
  r.captured_at_utc_ms = s.Int(6);
  r.clock_source = static_cast<ClockSource>(s.Int(7));
  r.clock_offset_ms = s.Int(8);
  r.camera_id = s.Text(9);
  r.unit_id = s.Text(10);
  r.officer_id = s.Text(11);
  r.position.mode = static_cast<FixMode>(s.Int(12));
  r.position.lat_deg = s.Real(13);
  r.position.lon_deg = s.Real(14);
  r.position.speed_mps = s.Real(15);
  r.position.heading_deg = s.Real(16);
  r.position.fix_age_ms = s.Int(17);
  r.synced_at_utc_ms = s.OptInt(18);
  r.clock_unverified = s.Int(19) != 0;
  if (with_images) {
    r.plate_jpeg = s.Blob(20);
    r.overview_jpeg = s.Blob(21);
  }
  return r;
}

constexpr const char* kHitColumns =
    "uuid, read_uuid, list_name, entry_vrm, priority, match_kind, covert, late, reason, "
    "warning_markers, information, make, model, colour, raised_at_utc_ms, outcome, outcome_by, "
    "outcome_at_utc_ms, outcome_note, synced_at_utc_ms";

namespace {

Hit HitFromRow(const Stmt& s) {
  Hit h;
  h.uuid = s.Text(0);
  h.read_uuid = s.Text(1);
  h.list_name = s.Text(2);
  h.entry_vrm = s.Text(3);
  h.priority = static_cast<Priority>(s.Int(4));
  h.match = static_cast<MatchKind>(s.Int(5));
  h.covert = s.Int(6) != 0;
  h.late = s.Int(7) != 0;
  h.reason = s.Text(8);
  h.warning_markers = s.Text(9);
  h.information = s.Text(10);
  h.make = s.Text(11);
  h.model = s.Text(12);
  h.colour = s.Text(13);
  h.raised_at_utc_ms = s.Int(14);
  h.outcome = static_cast<HitOutcome>(s.Int(15));
  h.outcome_by = s.Text(16);
  h.outcome_at_utc_ms = s.Int(17);
  h.outcome_note = s.Text(18);
  h.synced_at_utc_ms = s.OptInt(19);
  return h;
}

}  // namespace

Status InsertRead(sqlite3* db, const Read& r, WriterStatements* cache) {
  if (r.uuid.empty()) return InvalidArgument("read without a uuid");
  Stmt s(db, cache ? &cache->insert_read : nullptr,
         "INSERT OR IGNORE INTO reads (uuid, vrm, confidence, char_confidence, candidates, syntax, "
         "captured_at_utc_ms, clock_source, clock_offset_ms, camera_id, unit_id, officer_id, fix_mode, "
         "lat_deg, lon_deg, speed_mps, heading_deg, fix_age_ms, stored_at_utc_ms, synced_at_utc_ms, "
         "clock_unverified) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, r.uuid).Bind(2, r.vrm).Bind(3, r.confidence)
      .BindBlob(4, r.char_confidence.data(), r.char_confidence.size() * sizeof(float));
  const std::string candidates = EncodeCandidates(r.candidates);
  s.Bind(5, candidates).Bind(6, r.syntax).Bind(7, r.captured_at_utc_ms)
      .Bind(8, static_cast<int>(r.clock_source)).Bind(9, r.clock_offset_ms).Bind(10, r.camera_id)
      .Bind(11, r.unit_id).Bind(12, r.officer_id).Bind(13, static_cast<int>(r.position.mode))
      .Bind(14, r.position.lat_deg).Bind(15, r.position.lon_deg).Bind(16, r.position.speed_mps)
      .Bind(17, r.position.heading_deg).Bind(18, r.position.fix_age_ms).Bind(19, NowUtcMs())
      .Bind(20, r.synced_at_utc_ms).Bind(21, r.clock_unverified ? 1 : 0);
  Status st = s.Run();
  if (!st.ok()) return st;
  if (sqlite3_changes(db) == 0) return Status::Ok();  // a resend: first write wins
  Stmt img(db, cache ? &cache->insert_images : nullptr,
           "INSERT INTO read_images (read_uuid, plate_jpeg, overview_jpeg) VALUES (?,?,?)");
  img.Bind(1, r.uuid).BindBlob(2, r.plate_jpeg.data(), r.plate_jpeg.size())
      .BindBlob(3, r.overview_jpeg.data(), r.overview_jpeg.size());
  return img.Run();
}

Status InsertHit(sqlite3* db, const Hit& h, WriterStatements* cache) {
  if (h.uuid.empty() || h.read_uuid.empty()) return InvalidArgument("hit without a uuid or read uuid");
  Stmt s(db, cache ? &cache->insert_hit : nullptr,
         "INSERT OR IGNORE INTO hits (uuid, read_uuid, list_name, entry_vrm, priority, match_kind, covert, "
         "late, reason, warning_markers, information, make, model, colour, raised_at_utc_ms, outcome, "
         "outcome_by, outcome_at_utc_ms, outcome_note, synced_at_utc_ms) "
         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.Bind(1, h.uuid).Bind(2, h.read_uuid).Bind(3, h.list_name).Bind(4, h.entry_vrm)
      .Bind(5, static_cast<int>(h.priority)).Bind(6, static_cast<int>(h.match)).Bind(7, h.covert ? 1 : 0)
      .Bind(8, h.late ? 1 : 0).Bind(9, h.reason).Bind(10, h.warning_markers).Bind(11, h.information)
      .Bind(12, h.make).Bind(13, h.model).Bind(14, h.colour).Bind(15, h.raised_at_utc_ms)
      .Bind(16, static_cast<int>(h.outcome)).Bind(17, h.outcome_by).Bind(18, h.outcome_at_utc_ms)
      .Bind(19, h.outcome_note).Bind(20, h.synced_at_utc_ms);
  return s.Run();
}

std::string ReadSelect(bool with_images, const std::string& where) {
  std::string sql = std::string("SELECT ") + kReadColumns + (with_images ? kImageColumns : "") +
                    " FROM reads r" + (with_images ? " LEFT JOIN read_images i ON i.read_uuid = r.uuid" : "") +
                    " " + where;
  return sql;
}

Result<std::vector<Hit>> QueryHits(sqlite3* db, const std::string& tail, const std::string& arg, int64_t limit) {
  const std::string sql = std::string("SELECT ") + kHitColumns + " FROM hits " + tail;
  Stmt s(db, sql.c_str());
  int i = 1;
  if (!arg.empty()) s.Bind(i++, arg);
  if (limit >= 0) s.Bind(i, limit);
  std::vector<Hit> out;
  while (s.Step()) out.push_back(HitFromRow(s));
  if (!s.status().ok()) return s.status();
  return out;
}

}  // namespace anpr::store_internal
