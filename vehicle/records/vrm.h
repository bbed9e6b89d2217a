// Vehicle registration marks (VRMs) as the unit stores and compares them.
#pragma once

#include <string>
#include <string_view>

namespace anpr {

// Normalises a VRM as printed, typed or read: upper case, A-Z and 0-9 only
// (spaces, hyphens and other separators dropped). "ab12 cde" -> "AB12CDE".
// Returns an empty string when nothing usable is left.
std::string NormaliseVrm(std::string_view text);

}  // namespace anpr
