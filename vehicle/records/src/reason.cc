#include "vehicle/records/reason.h"

#include <cstdint>
#include <string>

namespace anpr {
namespace {

// Decodes the UTF-8 code point at text[*i] and advances *i past it. A byte
// that does not start a valid sequence is taken alone, as U+FFFD.
char32_t NextCodePoint(std::string_view text, size_t* i) {
  const auto b0 = static_cast<uint8_t>(text[*i]);
  size_t len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || *i + len > text.size()) {
    ++*i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? b0 : b0 & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<uint8_t>(text[*i + k]);
    if ((b & 0xC0) != 0x80) {
      ++*i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  *i += len;
  return cp;
}

bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7F && c < 0xA0); }

// Unicode's white space and the invisible format characters people paste.
bool IsBlank(char32_t c) {
  return c == 0x20 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200F) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x2060 || c == 0x3000 || c == 0xFEFF;
}

}  // namespace

size_t CountVisibleChars(std::string_view text) {
  size_t n = 0;
  for (size_t i = 0; i < text.size();) {
    const char32_t c = NextCodePoint(text, &i);
    if (!IsControl(c) && !IsBlank(c)) ++n;
  }
  return n;
}

Status ValidateReason(std::string_view reason) {
  for (size_t i = 0; i < reason.size();) {
    if (IsControl(NextCodePoint(reason, &i))) {
      return InvalidArgument("a reason is one line of text, without control characters");
    }
  }
  if (CountVisibleChars(reason) < kMinReasonVisibleChars) {
    return InvalidArgument("a reason needs at least " + std::to_string(kMinReasonVisibleChars) +
                           " visible characters");
  }
  return Status::Ok();
}

}  // namespace anpr
