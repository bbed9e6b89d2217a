// The depot's answers: the acknowledgement of an upload and the error body.
#include <cctype>
#include <string>

#include "sync/protocol.h"
#include "sync/src/json_fields.h"

namespace anpr::sync {

using namespace detail;

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
