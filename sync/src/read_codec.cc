// The codec of POST /reads: one read as a JSON object, and batches of them.
#include <cstddef>
#include <string>

#include "sync/base64.h"
#include "sync/protocol.h"
#include "sync/src/json_fields.h"

namespace anpr::sync {

using namespace detail;

namespace {

Read ReadFromJson(const json& e, const std::string& w) {
  Read r;
  r.uuid = Uuid(e, "uuid", w);
  r.vrm = Str(e, "vrm", w, true, 16);
  if (!IsNormalisedVrm(r.vrm)) Fail(w + ".vrm", "not a normalised VRM (A-Z 0-9, 1-16)");
  r.confidence = Num(e, "confidence", w, 0, 100, false);
  if (auto it = e.find("char_confidence"); it != e.end() && !it->is_null()) {
    if (!it->is_array() || it->size() > 16) Fail(w + ".char_confidence", "not an array of <= 16");
    for (const auto& c : *it) {
      if (!c.is_number()) Fail(w + ".char_confidence", "not a number");
      double v = c.get<double>();
      if (!(v >= 0 && v <= 100)) Fail(w + ".char_confidence", "out of range");
      r.char_confidence.push_back(static_cast<float>(v));
    }
  }
  if (auto it = e.find("candidates"); it != e.end() && !it->is_null()) {
    if (!it->is_array() || it->size() > 16) Fail(w + ".candidates", "not an array of <= 16");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& c = (*it)[i];
      std::string cw = w + ".candidates[" + std::to_string(i) + "]";
      if (!c.is_object()) Fail(cw, "not an object");
      PlateCandidate pc;
      pc.vrm = Str(c, "vrm", cw, true, 16);
      pc.confidence = Num(c, "confidence", cw, 0, 100, false);
      r.candidates.push_back(std::move(pc));
    }
  }
  r.syntax = Str(e, "syntax", w, false, 32);
  r.captured_at_utc_ms = Int(e, "captured_at_utc_ms", w, true);
  if (r.captured_at_utc_ms <= 0) Fail(w + ".captured_at_utc_ms", "not a positive time");
  int64_t cs = Int(e, "clock_source", w, false, 0);
  if (cs != 0 && cs != 1 && cs != 2) Fail(w + ".clock_source", "not 0, 1 or 2");
  r.clock_source = static_cast<ClockSource>(cs);
  r.clock_offset_ms = Int(e, "clock_offset_ms", w, false, 0);
  r.clock_unverified = Bool(e, "clock_unverified", w);
  r.camera_id = Str(e, "camera_id", w, false, kMaxId);
  r.unit_id = Str(e, "unit_id", w, true, kMaxId);
  if (r.unit_id.empty()) Fail(w + ".unit_id", "empty");
  r.officer_id = Str(e, "officer_id", w, false, kMaxId);
  if (auto it = e.find("position"); it != e.end() && !it->is_null()) {
    if (!it->is_object()) Fail(w + ".position", "not an object");
    std::string pw = w + ".position";
    int64_t mode = Int(*it, "mode", pw, false, 0);
    if (mode != 0 && mode != 2 && mode != 3) Fail(pw + ".mode", "not 0, 2 or 3");
    r.position.mode = static_cast<FixMode>(mode);
    r.position.lat_deg = Num(*it, "lat_deg", pw, -90, 90);
    r.position.lon_deg = Num(*it, "lon_deg", pw, -180, 180);
    r.position.speed_mps = Num(*it, "speed_mps", pw, 0, 1000);
    r.position.heading_deg = Num(*it, "heading_deg", pw, 0, 360);
    r.position.fix_age_ms = Int(*it, "fix_age_ms", pw, false, -1);
  }
  r.plate_jpeg = Image(e, "plate_jpeg", w);
  r.overview_jpeg = Image(e, "overview_jpeg", w);
  return r;
}

// Every field but the images.
json ReadToJson(const Read& r) {
  json cands = json::array();
  for (const auto& c : r.candidates) cands.push_back({{"vrm", c.vrm}, {"confidence", c.confidence}});
  json cc = json::array();
  for (float c : r.char_confidence) cc.push_back(c);
  json j = {
      {"uuid", r.uuid},
      {"vrm", r.vrm},
      {"confidence", r.confidence},
      {"char_confidence", cc},
      {"candidates", cands},
      {"syntax", r.syntax},
      {"captured_at_utc_ms", r.captured_at_utc_ms},
      {"clock_source", static_cast<int>(r.clock_source)},
      {"clock_offset_ms", r.clock_offset_ms},
      {"camera_id", r.camera_id},
      {"unit_id", r.unit_id},
      {"officer_id", r.officer_id},
      {"position",
       {{"mode", static_cast<int>(r.position.mode)},
        {"lat_deg", NumOrNull(r.position.lat_deg)},
        {"lon_deg", NumOrNull(r.position.lon_deg)},
        {"speed_mps", NumOrNull(r.position.speed_mps)},
        {"heading_deg", NumOrNull(r.position.heading_deg)},
        {"fix_age_ms", r.position.fix_age_ms}}},
  };
  // Only when set: reads of a verified clock encode as before.
  if (r.clock_unverified) j["clock_unverified"] = true;
  return j;
}

// Appends one read as a JSON object: the small fields through nlohmann, the
// images base64-encoded straight into the output (no DOM copy, no escaping
// pass over them: the base64 alphabet needs none).
void AppendRead(const Read& r, bool with_images, std::string* out) {
  std::string meta = ReadToJson(r).dump(-1, ' ', false, json::error_handler_t::replace);
  if (!with_images) {
    out->append(meta);
    return;
  }
  meta.pop_back();  // the closing brace; the object is never empty
  out->reserve(out->size() + meta.size() + (r.plate_jpeg.size() + r.overview_jpeg.size()) / 3 * 4 + 48);
  out->append(meta);
  out->append(",\"plate_jpeg\":\"");
  Base64Append(r.plate_jpeg, out);
  out->append("\",\"overview_jpeg\":\"");
  Base64Append(r.overview_jpeg, out);
  out->append("\"}");
}

}  // namespace

std::string EncodeRead(const Read& read, bool with_images) {
  std::string out;
  AppendRead(read, with_images, &out);
  return out;
}
Result<Read> ParseRead(std::string_view text) { return ParseOne<Read>(text, "read", ReadFromJson); }

std::string EncodeReads(const std::vector<Read>& reads, bool with_images) {
  std::size_t bytes = 16;
  for (const auto& r : reads)
    bytes += 600 + (with_images ? (r.plate_jpeg.size() + r.overview_jpeg.size() + 4) / 3 * 4 + 40 : 0);
  std::string out;
  out.reserve(bytes);
  out.append("{\"reads\":[");
  for (std::size_t i = 0; i < reads.size(); ++i) {
    if (i) out.push_back(',');
    AppendRead(reads[i], with_images, &out);
  }
  out.append("]}");
  return out;
}

Result<std::vector<Read>> ParseReads(std::string_view body) {
  return ParseBatch<Read>(body, "reads", ReadFromJson);
}

}  // namespace anpr::sync
