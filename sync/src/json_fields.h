// Private to sync/src: the field checks every JSON codec of the wire protocol
// shares. A codec reads a parsed document with these; a bad field throws
// BadField, which the batch and object parsers below turn into a Status, so
// no exception leaves the library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sync/protocol.h"
#include "vehicle/records/field_limits.h"
#include "vehicle/records/status.h"

namespace anpr::sync::detail {

using nlohmann::json;

// The longest free-text field the depot accepts (bytes): the shared limit
// the unit also enforces at entry (vehicle/records/field_limits.h).
inline constexpr std::size_t kMaxTextField = limits::kMaxTextBytes;
// Ids (unit, camera, officer, audit actor and action) and short fields
// (make, model, colour, valid_until), as the unit limits them.
inline constexpr std::size_t kMaxId = limits::kMaxIdBytes;
inline constexpr std::size_t kMaxShortText = limits::kMaxShortTextBytes;
// A list name on a hit, a wanted entry or a hotlist update. Wider than
// limits::kMaxListNameBytes so hits on lists a unit named before that rule
// still upload.
inline constexpr std::size_t kMaxWireListName = 128;

// Thrown inside the codecs only; every public parser catches it and returns a
// Status, so no exception leaves the library.
struct BadField : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws BadField("<where>: <what>").
[[noreturn]] void Fail(const std::string& where, const std::string& what);

// The member `key` of obj; BadField when it is missing.
const json& Field(const json& obj, const char* key, const std::string& where);

// A string member of at most max_len bytes; "" when absent or null and not required.
std::string Str(const json& obj, const char* key, const std::string& where, bool required,
                std::size_t max_len = kMaxTextField);

// An integer member; `def` when absent or null and not required.
int64_t Int(const json& obj, const char* key, const std::string& where, bool required, int64_t def = 0);

// A number in [lo, hi], or null (= NaN, unknown) when null_ok.
double Num(const json& obj, const char* key, const std::string& where, double lo, double hi,
           bool null_ok = true);

// A boolean member; false when absent or null.
bool Bool(const json& obj, const char* key, const std::string& where);

// v, or null when it is not finite (unknown).
json NumOrNull(double v);

// A UUID member, returned in lower case.
std::string Uuid(const json& obj, const char* key, const std::string& where);

// A base64 image member of at most kMaxImageBytes decoded; empty when absent or null.
std::vector<uint8_t> Image(const json& obj, const char* key, const std::string& where);

// Parses an upload body (strict RFC 8259, UTF-8 validated, an optional UTF-8
// byte order mark) into *out. False when it is not valid JSON.
bool ParseJson(std::string_view body, json* out);

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
  const json::array_t& records = it->get_ref<const json::array_t&>();
  if (records.size() > kMaxRecordsPerBatch)
    return InvalidArgument(std::string(key) + ": more than " + std::to_string(kMaxRecordsPerBatch) +
                           " records in one batch");
  std::vector<T> out;
  out.reserve(records.size());
  try {
    for (std::size_t i = 0; i < records.size(); ++i) {
      const json& e = records[i];
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

// Parses one JSON object (the element of a batch, sent on its own) with
// each(doc, what).
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

}  // namespace anpr::sync::detail
