#include "sync/protocol.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <simdjson.h>
#include <set>
#include <stdexcept>

#include "vehicle/records/hotlist.h"

namespace anpr::sync {

using nlohmann::json;

int DefaultDepotPort() { return 8443; }

namespace {

constexpr std::size_t kMaxTextField = 4096;

// Thrown inside this file only; every public parser catches it and returns a
// Status, so no exception leaves the library.
struct BadField : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw BadField(where + ": " + what);
}

const json& Field(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) Fail(where + "." + key, "missing");
  return *it;
}

std::string Str(const json& obj, const char* key, const std::string& where, bool required,
                std::size_t max_len = kMaxTextField) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) Fail(where + "." + key, "missing");
    return {};
  }
  if (!it->is_string()) Fail(where + "." + key, "not a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_len) Fail(where + "." + key, "longer than " + std::to_string(max_len));
  return s;
}

int64_t Int(const json& obj, const char* key, const std::string& where, bool required,
            int64_t def = 0) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (required) Fail(where + "." + key, "missing");
    return def;
  }
  if (!it->is_number_integer()) Fail(where + "." + key, "not an integer");
  return it->get<int64_t>();
}

// A number or null (= NaN, unknown).
double Num(const json& obj, const char* key, const std::string& where, double lo, double hi,
           bool null_ok = true) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    if (!null_ok) Fail(where + "." + key, "missing");
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (!it->is_number()) Fail(where + "." + key, "not a number");
  double v = it->get<double>();
  if (!(v >= lo && v <= hi)) Fail(where + "." + key, "out of range");
  return v;
}

bool Bool(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return false;
  if (!it->is_boolean()) Fail(where + "." + key, "not a boolean");
  return it->get<bool>();
}

json NumOrNull(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

std::string Uuid(const json& obj, const char* key, const std::string& where) {
  std::string u = Str(obj, key, where, true, 36);
  if (!IsValidUuid(u)) Fail(where + "." + key, "not a UUID");
  for (auto& c : u) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return u;
}

std::vector<uint8_t> Image(const json& obj, const char* key, const std::string& where) {
  std::vector<uint8_t> out;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return out;
  if (!it->is_string()) Fail(where + "." + key, "not a string");
  const auto& text = it->get_ref<const std::string&>();  // decoded in place, not copied
  constexpr std::size_t kMax = kMaxImageBytes / 3 * 4 + 8;
  if (text.size() > kMax) Fail(where + "." + key, "longer than " + std::to_string(kMax));
  if (!Base64Decode(text, &out)) Fail(where + "." + key, "not base64");
  return out;
}

// Upload bodies are parsed by simdjson (strict RFC 8259, UTF-8 validated,
// several times faster than nlohmann's lexer on the long base64 strings of
// image batches) and the tree is copied into an nlohmann document, which the
// field checks below read. Numbers keep nlohmann's kinds: non-negative
// integers unsigned, negative ones signed, the rest double; a repeated key
// keeps its last value, as json::parse does.
void CopyElement(simdjson::dom::element e, json* out, int depth) {
  if (depth > 256) throw std::runtime_error("nested too deeply");
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      *out = json::object();
      const simdjson::dom::object obj = e.get_object().value_unsafe();  // a named copy: outlives the loop
      for (auto field : obj) CopyElement(field.value, &(*out)[std::string(field.key)], depth + 1);
      break;
    }
    case simdjson::dom::element_type::ARRAY: {
      *out = json::array();
      const simdjson::dom::array arr = e.get_array().value_unsafe();
      for (auto item : arr) {
        out->push_back(nullptr);
        CopyElement(item, &out->back(), depth + 1);
      }
      break;
    }
    case simdjson::dom::element_type::STRING: *out = std::string(e.get_string().value_unsafe()); break;
    case simdjson::dom::element_type::INT64: {
      const int64_t v = e.get_int64().value_unsafe();
      if (v >= 0) *out = static_cast<uint64_t>(v);
      else *out = v;
      break;
    }
    case simdjson::dom::element_type::UINT64: *out = e.get_uint64().value_unsafe(); break;
    case simdjson::dom::element_type::DOUBLE: *out = e.get_double().value_unsafe(); break;
    case simdjson::dom::element_type::BOOL: *out = e.get_bool().value_unsafe(); break;
    case simdjson::dom::element_type::NULL_VALUE: *out = nullptr; break;
  }
}

bool ParseJson(std::string_view body, json* out) {
  if (body.size() >= 3 && body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);  // UTF-8 BOM
  thread_local simdjson::dom::parser parser;  // reuses its buffers across requests of a thread
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size(), /*realloc_if_needed=*/true).get(doc) != simdjson::SUCCESS) return false;
  try {
    CopyElement(doc, out, 0);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

// Parses the body, checks it is {"<key>": [objects...]} within the batch
// limit and calls each(element, "key[i]") for every element.
template <typename T, typename F>
Result<std::vector<T>> ParseBatch(std::string_view body, const char* key, F each) {
  json doc;
  if (!ParseJson(body, &doc)) return InvalidArgument("body is not valid JSON");
  if (!doc.is_object()) return InvalidArgument("body is not a JSON object");
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_array())
    return InvalidArgument(std::string("body has no \"") + key + "\" array");
  if (it->size() > kMaxRecordsPerBatch)
    return InvalidArgument(std::string(key) + ": more than " + std::to_string(kMaxRecordsPerBatch) +
                           " records in one batch");
  std::vector<T> out;
  out.reserve(it->size());
  try {
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& e = (*it)[i];
      std::string where = std::string(key) + "[" + std::to_string(i) + "]";
      if (!e.is_object()) Fail(where, "not an object");
      out.push_back(each(e, where));
    }
  } catch (const BadField& e) {
    return InvalidArgument(e.what());
  } catch (const std::exception& e) {  // nlohmann type errors: treat as bad input
    return InvalidArgument(std::string("malformed record: ") + e.what());
  }
  return out;
}

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
  r.camera_id = Str(e, "camera_id", w, false, 64);
  r.unit_id = Str(e, "unit_id", w, true, 64);
  if (r.unit_id.empty()) Fail(w + ".unit_id", "empty");
  r.officer_id = Str(e, "officer_id", w, false, 64);
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

void Base64Append(const std::vector<uint8_t>& in, std::string* out);

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

Hit HitFromJson(const json& e, const std::string& w) {
  Hit h;
  h.uuid = Uuid(e, "uuid", w);
  h.read_uuid = Uuid(e, "read_uuid", w);
  h.list_name = Str(e, "list_name", w, true, 128);
  h.entry_vrm = Str(e, "entry_vrm", w, true, 16);
  Priority p;
  if (!ParsePriority(Str(e, "priority", w, true, 16), &p)) Fail(w + ".priority", "not high/medium/low");
  h.priority = p;
  std::string m = Str(e, "match", w, false, 16);
  if (m.empty() || m == "exact") h.match = MatchKind::kExact;
  else if (m == "similar") h.match = MatchKind::kSimilar;
  else Fail(w + ".match", "not exact/similar");
  h.covert = Bool(e, "covert", w);
  h.late = Bool(e, "late", w);
  h.reason = Str(e, "reason", w, false);
  h.warning_markers = Str(e, "warning_markers", w, false);
  h.information = Str(e, "information", w, false);
  h.make = Str(e, "make", w, false, 64);
  h.model = Str(e, "model", w, false, 64);
  h.colour = Str(e, "colour", w, false, 64);
  h.raised_at_utc_ms = Int(e, "raised_at_utc_ms", w, true);
  std::string o = Str(e, "outcome", w, false, 16);
  static const std::array<HitOutcome, 5> kAll = {HitOutcome::kPending, HitOutcome::kConfirmed,
                                                 HitOutcome::kMisread, HitOutcome::kNotSeen,
                                                 HitOutcome::kNotActioned};
  bool found = o.empty();
  for (auto k : kAll) {
    if (o == HitOutcomeName(k)) {
      h.outcome = k;
      found = true;
    }
  }
  if (!found) Fail(w + ".outcome", "unknown outcome");
  h.outcome_by = Str(e, "outcome_by", w, false, 64);
  h.outcome_at_utc_ms = Int(e, "outcome_at_utc_ms", w, false, 0);
  h.outcome_note = Str(e, "outcome_note", w, false);
  return h;
}

json HitToJson(const Hit& h) {
  return {{"uuid", h.uuid},
          {"read_uuid", h.read_uuid},
          {"list_name", h.list_name},
          {"entry_vrm", h.entry_vrm},
          {"priority", PriorityName(h.priority)},
          {"match", MatchKindName(h.match)},
          {"covert", h.covert},
          {"late", h.late},
          {"reason", h.reason},
          {"warning_markers", h.warning_markers},
          {"information", h.information},
          {"make", h.make},
          {"model", h.model},
          {"colour", h.colour},
          {"raised_at_utc_ms", h.raised_at_utc_ms},
          {"outcome", HitOutcomeName(h.outcome)},
          {"outcome_by", h.outcome_by},
          {"outcome_at_utc_ms", h.outcome_at_utc_ms},
          {"outcome_note", h.outcome_note}};
}

AuditEntry AuditFromJson(const json& e, const std::string& w) {
  AuditEntry a;
  a.uuid = Uuid(e, "uuid", w);
  a.at_utc_ms = Int(e, "at_utc_ms", w, true);
  a.unit_id = Str(e, "unit_id", w, false, 64);
  a.actor = Str(e, "actor", w, true, 64);
  a.action = Str(e, "action", w, true, 64);
  a.detail = Str(e, "detail", w, false);
  return a;
}

WantedEntry WantedFromJson(const json& e, const std::string& w) {
  WantedEntry x;
  x.uuid = Uuid(e, "uuid", w);
  x.unit_id = Str(e, "unit_id", w, false, 64);
  x.list_name = Str(e, "list_name", w, true, 128);
  x.vrm = Str(e, "vrm", w, true, 16);
  if (!IsNormalisedVrm(x.vrm)) Fail(w + ".vrm", "not a normalised VRM");
  if (!ParsePriority(Str(e, "priority", w, true, 16), &x.priority)) Fail(w + ".priority", "not high/medium/low");
  x.reason = Str(e, "reason", w, true);
  if (x.reason.empty()) Fail(w + ".reason", "a wanted plate needs a reason");
  x.warning_markers = Str(e, "warning_markers", w, false);
  x.information = Str(e, "information", w, false);
  x.valid_until_utc_ms = Int(e, "valid_until_utc_ms", w, true);
  x.entered_by = Str(e, "entered_by", w, true, 64);
  x.entered_at_utc_ms = Int(e, "entered_at_utc_ms", w, true);
  // The law caps an officer's entry at 100 days; the depot holds it to that.
  constexpr int64_t kMaxWantedMs = 100LL * 24 * 3600 * 1000;
  if (x.valid_until_utc_ms <= x.entered_at_utc_ms || x.valid_until_utc_ms - x.entered_at_utc_ms > kMaxWantedMs)
    Fail(w + ".valid_until_utc_ms", "must be after entry and at most 100 days later");
  return x;
}

json HotlistEntryToJson(const HotlistEntry& h) {
  return {{"vrm", h.vrm},
          {"priority", PriorityName(h.priority)},
          {"reason", h.reason},
          {"warning_markers", h.warning_markers},
          {"information", h.information},
          {"make", h.make},
          {"model", h.model},
          {"colour", h.colour},
          {"valid_until", h.valid_until}};
}

HotlistEntry HotlistEntryFromJson(const json& e, const std::string& w) {
  HotlistEntry h;
  h.vrm = Str(e, "vrm", w, true, 16);
  if (!IsNormalisedVrm(h.vrm)) Fail(w + ".vrm", "not a normalised VRM");
  if (!ParsePriority(Str(e, "priority", w, true, 16), &h.priority))
    Fail(w + ".priority", "not high/medium/low");
  h.reason = Str(e, "reason", w, true);
  h.warning_markers = Str(e, "warning_markers", w, false);
  h.information = Str(e, "information", w, false);
  h.make = Str(e, "make", w, false, 64);
  h.model = Str(e, "model", w, false, 64);
  h.colour = Str(e, "colour", w, false, 64);
  h.valid_until = Str(e, "valid_until", w, false, 64);
  return h;
}

}  // namespace

bool IsValidUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

bool IsNormalisedVrm(std::string_view s) {
  if (s.empty() || s.size() > 16) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

namespace {
// Appends the base64 of `in` to *out (one resize, no per-character growth).
void Base64Append(const std::vector<uint8_t>& in, std::string* out) {
  std::size_t o = out->size();
  out->resize(o + (in.size() + 2) / 3 * 4);
  char* d = out->data();
  const uint8_t* s = in.data();
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (uint32_t(s[i]) << 16) | (uint32_t(s[i + 1]) << 8) | s[i + 2];
    d[o] = kB64[(v >> 18) & 63];
    d[o + 1] = kB64[(v >> 12) & 63];
    d[o + 2] = kB64[(v >> 6) & 63];
    d[o + 3] = kB64[v & 63];
    o += 4;
  }
  if (i < in.size()) {
    uint32_t v = uint32_t(s[i]) << 16;
    if (i + 1 < in.size()) v |= uint32_t(s[i + 1]) << 8;
    d[o] = kB64[(v >> 18) & 63];
    d[o + 1] = kB64[(v >> 12) & 63];
    d[o + 2] = i + 1 < in.size() ? kB64[(v >> 6) & 63] : '=';
    d[o + 3] = '=';
  }
}
}  // namespace

std::string Base64Encode(const std::vector<uint8_t>& in) {
  std::string out;
  Base64Append(in, &out);
  return out;
}

bool Base64Decode(std::string_view text, std::vector<uint8_t>* out) {
  // One table per position of a quad, the 6 bits already shifted in place;
  // a character outside the alphabet sets bit 24, so a quad is checked once.
  struct Tables {
    std::array<uint32_t, 256> t[4];
  };
  static const Tables kRev = [] {
    Tables x;
    for (auto& t : x.t) t.fill(1u << 24);
    for (uint32_t k = 0; k < 64; ++k) {
      const auto c = static_cast<unsigned char>(kB64[k]);
      x.t[0][c] = k << 18;
      x.t[1][c] = k << 12;
      x.t[2][c] = k << 6;
      x.t[3][c] = k;
    }
    return x;
  }();
  out->clear();
  const std::size_t n = text.size();
  if (n % 4 != 0) return false;
  if (n == 0) return true;
  // Padding only at the very end: "xx==" or "xxx=".
  int pad = 0;
  if (text[n - 1] == '=') {
    pad = text[n - 2] == '=' ? 2 : 1;
  } else if (text[n - 2] == '=') {
    return false;  // "x=y=" style garbage
  }
  out->resize(n / 4 * 3 - static_cast<std::size_t>(pad));
  uint8_t* d = out->data();
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const auto &t0 = kRev.t[0], &t1 = kRev.t[1], &t2 = kRev.t[2], &t3 = kRev.t[3];
  const std::size_t full = pad ? n - 4 : n;
  std::size_t o = 0;
  for (std::size_t i = 0; i < full; i += 4, o += 3) {
    const uint32_t v = t0[s[i]] | t1[s[i + 1]] | t2[s[i + 2]] | t3[s[i + 3]];
    if (v >> 24) {
      out->clear();
      return false;
    }
    d[o] = uint8_t(v >> 16);
    d[o + 1] = uint8_t(v >> 8);
    d[o + 2] = uint8_t(v);
  }
  if (pad) {
    const std::size_t i = n - 4;
    const uint32_t v = t0[s[i]] | t1[s[i + 1]] | (pad == 1 ? t2[s[i + 2]] : 0u);
    if (v >> 24) {
      out->clear();
      return false;
    }
    d[o] = uint8_t(v >> 16);
    if (pad == 1) d[o + 1] = uint8_t(v >> 8);
  }
  return true;
}

namespace {
template <typename T, typename F>
Result<T> ParseOne(std::string_view text, const char* what, F each) {
  json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return InvalidArgument(std::string(what) + " is not a JSON object");
  try {
    return each(doc, std::string(what));
  } catch (const std::exception& e) {
    return InvalidArgument(e.what());
  }
}

// Days since 1970-01-01 of a civil date, and back (proleptic Gregorian).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
void CivilFromDays(int64_t z, int64_t* y, int64_t* m) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2);
}
constexpr int64_t kDayMs = 86400000;
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
}  // namespace

int64_t MonthStartUtcMs(int64_t utc_ms) {
  int64_t y, m;
  CivilFromDays(FloorDiv(utc_ms, kDayMs), &y, &m);
  return DaysFromCivil(y, m, 1) * kDayMs;
}

int64_t NextMonthStartUtcMs(int64_t utc_ms) {
  int64_t y, m;
  CivilFromDays(FloorDiv(utc_ms, kDayMs), &y, &m);
  if (++m > 12) {
    m = 1;
    ++y;
  }
  return DaysFromCivil(y, m, 1) * kDayMs;
}

std::string MonthTag(int64_t utc_ms) {
  int64_t y, m;
  CivilFromDays(FloorDiv(utc_ms, kDayMs), &y, &m);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld_%02lld", static_cast<long long>(y), static_cast<long long>(m));
  return buf;
}

std::string EncodeRead(const Read& read, bool with_images) {
  std::string out;
  AppendRead(read, with_images, &out);
  return out;
}
Result<Read> ParseRead(std::string_view text) { return ParseOne<Read>(text, "read", ReadFromJson); }
std::string EncodeHit(const Hit& hit) {
  return HitToJson(hit).dump(-1, ' ', false, json::error_handler_t::replace);
}
Result<Hit> ParseHit(std::string_view text) { return ParseOne<Hit>(text, "hit", HitFromJson); }

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

std::string EncodeHits(const std::vector<Hit>& hits) {
  json arr = json::array();
  for (const auto& h : hits) arr.push_back(HitToJson(h));
  return json{{"hits", std::move(arr)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<Hit>> ParseHits(std::string_view body) {
  return ParseBatch<Hit>(body, "hits", HitFromJson);
}

std::string EncodeAudit(const std::vector<AuditEntry>& entries) {
  json arr = json::array();
  for (const auto& a : entries)
    arr.push_back({{"uuid", a.uuid},
                   {"at_utc_ms", a.at_utc_ms},
                   {"unit_id", a.unit_id},
                   {"actor", a.actor},
                   {"action", a.action},
                   {"detail", a.detail}});
  return json{{"audit", std::move(arr)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<AuditEntry>> ParseAudit(std::string_view body) {
  return ParseBatch<AuditEntry>(body, "audit", AuditFromJson);
}

std::string EncodeWanted(const std::vector<WantedEntry>& entries) {
  json arr = json::array();
  for (const auto& x : entries)
    arr.push_back({{"uuid", x.uuid},
                   {"unit_id", x.unit_id},
                   {"list_name", x.list_name},
                   {"vrm", x.vrm},
                   {"priority", PriorityName(x.priority)},
                   {"reason", x.reason},
                   {"warning_markers", x.warning_markers},
                   {"information", x.information},
                   {"valid_until_utc_ms", x.valid_until_utc_ms},
                   {"entered_by", x.entered_by},
                   {"entered_at_utc_ms", x.entered_at_utc_ms}});
  return json{{"wanted", std::move(arr)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<WantedEntry>> ParseWanted(std::string_view body) {
  return ParseBatch<WantedEntry>(body, "wanted", WantedFromJson);
}

std::string EncodeAck(const std::vector<std::string>& acknowledged, std::size_t stored) {
  return json{{"acknowledged", acknowledged}, {"stored", stored}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<std::vector<std::string>> ParseAck(std::string_view body) {
  json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return InvalidArgument("answer is not a JSON object");
  auto it = doc.find("acknowledged");
  if (it == doc.end() || !it->is_array()) return InvalidArgument("answer has no acknowledged array");
  std::vector<std::string> out;
  for (const auto& u : *it) {
    if (!u.is_string() || !IsValidUuid(u.get_ref<const std::string&>()))
      return InvalidArgument("answer acknowledges something that is not a UUID");
    out.push_back(u.get<std::string>());
  }
  return out;
}

std::string EncodeHotlistUpdate(const HotlistUpdate& u) {
  json lists = json::array();
  for (const auto& d : u.lists) {
    json added = json::array();
    for (const auto& e : d.added) added.push_back(HotlistEntryToJson(e));
    lists.push_back({{"list", d.list_name},
                     {"from_version", d.from_version},
                     {"to_version", d.to_version},
                     {"full", d.full},
                     {"added", std::move(added)},
                     {"removed", d.removed_vrms}});
  }
  return json{{"latest_version", u.latest_version}, {"lists", std::move(lists)}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<HotlistUpdate> ParseHotlistUpdate(std::string_view body) {
  json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return InvalidArgument("hotlist answer is not a JSON object");
  HotlistUpdate u;
  try {
    u.latest_version = Int(doc, "latest_version", "hotlists", true);
    const json& lists = Field(doc, "lists", "hotlists");
    if (!lists.is_array()) Fail("hotlists.lists", "not an array");
    for (std::size_t i = 0; i < lists.size(); ++i) {
      const json& l = lists[i];
      std::string w = "lists[" + std::to_string(i) + "]";
      if (!l.is_object()) Fail(w, "not an object");
      HotlistDelta d;
      d.list_name = Str(l, "list", w, true, 128);
      d.from_version = Int(l, "from_version", w, true);
      d.to_version = Int(l, "to_version", w, true);
      d.full = Bool(l, "full", w);
      const json& added = Field(l, "added", w);
      if (!added.is_array()) Fail(w + ".added", "not an array");
      for (std::size_t k = 0; k < added.size(); ++k) {
        std::string ew = w + ".added[" + std::to_string(k) + "]";
        if (!added[k].is_object()) Fail(ew, "not an object");
        d.added.push_back(HotlistEntryFromJson(added[k], ew));
      }
      const json& removed = Field(l, "removed", w);
      if (!removed.is_array()) Fail(w + ".removed", "not an array");
      for (const auto& r : removed) {
        if (!r.is_string() || !IsNormalisedVrm(r.get_ref<const std::string&>()))
          Fail(w + ".removed", "not a VRM");
        d.removed_vrms.push_back(r.get<std::string>());
      }
      u.lists.push_back(std::move(d));
    }
  } catch (const std::exception& e) {
    return InvalidArgument(e.what());
  }
  return u;
}


namespace {
// Strict UTF-8 (no overlongs, no surrogates): text fields end up in
// PostgreSQL, which refuses anything else.
bool ValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0 || i + static_cast<std::size_t>(n) >= s.size()) return false;
    uint32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k <= n; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d >> 6) != 2) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += static_cast<std::size_t>(n) + 1;
  }
  return true;
}
}  // namespace

Result<std::vector<HotlistEntry>> ParseHotlistCsv(std::string_view csv) {
  // The car's own parser (vehicle/hotlist.h) decides what a valid file is,
  // so the depot never publishes a list a car would refuse. The depot adds
  // what its databases need: valid UTF-8 and bounded text fields.
  if (!ValidUtf8(csv)) return InvalidArgument("hotlist CSV is not valid UTF-8");
  auto parsed = anpr::ParseHotlistCsv(csv, "csv");
  if (!parsed.ok()) return parsed.status();
  std::vector<HotlistEntry> out;
  out.reserve(parsed->size());
  for (anpr::HotlistEntry& e : *parsed) {
    HotlistEntry w;
    w.vrm = std::move(e.vrm);
    w.priority = e.priority;
    w.reason = std::move(e.reason);
    w.warning_markers = std::move(e.warning_markers);
    w.information = std::move(e.information);
    w.make = std::move(e.make);
    w.model = std::move(e.model);
    w.colour = std::move(e.colour);
    if (e.valid_until_utc_s > 0) {
      const std::time_t t = static_cast<std::time_t>(e.valid_until_utc_s);
      std::tm tm{};
      gmtime_r(&t, &tm);
      char buf[32];
      std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
      w.valid_until = buf;
    }
    for (const std::string* f : {&w.reason, &w.warning_markers, &w.information, &w.make, &w.model, &w.colour}) {
      if (f->size() > kMaxTextField) return InvalidArgument("vrm " + w.vrm + ": a field is longer than 4096 bytes");
    }
    out.push_back(std::move(w));
  }
  return out;
}

std::string EncodeError(std::string_view reason) { return json{{"error", reason}}.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string ErrorReason(std::string_view body) {
  json doc = json::parse(body.begin(), body.end(), nullptr, false);
  if (!doc.is_discarded() && doc.is_object()) {
    auto it = doc.find("error");
    if (it != doc.end() && it->is_string()) return it->get<std::string>();
  }
  std::string s(body.substr(0, 200));
  for (auto& c : s)
    if (!std::isprint(static_cast<unsigned char>(c))) c = '?';
  return s;
}

}  // namespace anpr::sync
