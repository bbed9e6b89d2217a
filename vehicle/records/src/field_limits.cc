#include "vehicle/records/field_limits.h"

#include <cstdint>
#include <string>

namespace anpr::limits {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0 || i + static_cast<std::size_t>(n) >= s.size()) return false;  // a bad lead byte, or cut short
    uint32_t cp = n == 0 ? c : n == 1 ? (c & 0x1Fu) : n == 2 ? (c & 0x0Fu) : (c & 0x07u);
    for (int k = 1; k <= n; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
      if ((d >> 6) != 2) return false;
      cp = (cp << 6) | (d & 0x3Fu);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += static_cast<std::size_t>(n) + 1;
  }
  return true;
}

Status ValidateText(std::string_view what, std::string_view value, std::size_t max_bytes) {
  if (value.size() > max_bytes) {
    return InvalidArgument(std::string(what) + ": longer than " + std::to_string(max_bytes) + " bytes");
  }
  if (!IsValidUtf8(value)) return InvalidArgument(std::string(what) + ": not valid UTF-8");
  return Status::Ok();
}

Status ValidateListName(std::string_view name) {
  if (name.empty() || name.size() > kMaxListNameBytes) {
    return InvalidArgument("list name: 1-" + std::to_string(kMaxListNameBytes) + " characters of A-Z a-z 0-9 . _ -");
  }
  for (char c : name) {
    if (!IsNameChar(c)) return InvalidArgument("list name: only A-Z a-z 0-9 . _ - are allowed");
  }
  return Status::Ok();
}

Status ValidateId(std::string_view what, std::string_view id) {
  if (id.empty() || id.size() > kMaxIdBytes) {
    return InvalidArgument(std::string(what) + ": 1-" + std::to_string(kMaxIdBytes) + " characters");
  }
  for (char c : id) {
    if (c < 0x21 || c > 0x7E) {
      return InvalidArgument(std::string(what) + ": only printable ASCII without spaces is allowed");
    }
  }
  return Status::Ok();
}

Status ValidateOfficerNumber(std::string_view number) {
  if (number.empty() || number.size() > kMaxIdBytes) {
    return InvalidArgument("officer number: 1-" + std::to_string(kMaxIdBytes) + " characters");
  }
  for (char c : number) {
    if (!IsNameChar(c)) return InvalidArgument("officer number: only A-Z a-z 0-9 . _ - are allowed");
  }
  return Status::Ok();
}

}  // namespace anpr::limits
