#include "sync/src/json_fields.h"

#include <cctype>
#include <cmath>
#include <limits>
#include <simdjson.h>

#include "sync/base64.h"

namespace anpr::sync::detail {

[[noreturn]] void Fail(const std::string& where, const std::string& what) {
  throw BadField(where + ": " + what);
}

const json& Field(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) Fail(where + "." + key, "missing");
  return *it;
}

std::string Str(const json& obj, const char* key, const std::string& where, bool required,
                std::size_t max_len) {
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
            int64_t def) {
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
           bool null_ok) {
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

namespace {

// Upload bodies are parsed by simdjson (strict RFC 8259, UTF-8 validated,
// several times faster than nlohmann's lexer on the long base64 strings of
// image batches) and the tree is copied into an nlohmann document, which the
// field checks below read. Numbers keep nlohmann's kinds: non-negative
// integers unsigned, negative ones signed, the rest double; a repeated key
// keeps its last value, as json::parse does.
//
// GCC 12 at -O2 reports a "potential null pointer dereference" inside
// simdjson's tape iterators (object::end, array::end) once this function sits
// in a translation unit of its own; a parsed document's tape is never null,
// so the warning is silenced for this function only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
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
#pragma GCC diagnostic pop

}  // namespace

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

}  // namespace anpr::sync::detail
