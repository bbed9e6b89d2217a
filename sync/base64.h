// Standard base64 (RFC 4648 alphabet, with padding), as the wire protocol
// carries images inside JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace anpr::sync {

// The padded base64 text of `bytes`.
std::string Base64Encode(const std::vector<uint8_t>& bytes);
// Appends the base64 of `bytes` to *out with one resize (no per-character
// growth), for encoders that write images straight into a body.
void Base64Append(const std::vector<uint8_t>& bytes, std::string* out);
// Decodes `text` into *out (replacing its content). False, with *out empty,
// on any character outside the standard alphabet or bad padding.
bool Base64Decode(std::string_view text, std::vector<uint8_t>* out);

}  // namespace anpr::sync
