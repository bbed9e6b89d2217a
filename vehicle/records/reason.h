// Why an officer searched, exported, entered a wanted plate or did not act
// on a hit: the one rule for every such reason, on the unit and the depot.
#pragma once

#include <cstddef>
#include <string_view>

#include "vehicle/records/status.h"

namespace anpr {

// A reason needs at least this many visible characters.
inline constexpr size_t kMinReasonVisibleChars = 10;

// Ok when `reason` holds at least kMinReasonVisibleChars visible characters
// (UTF-8 code points other than spaces, of any kind, and control
// characters) and no control characters at all (a reason is one line: a
// NUL, newline or escape would forge or hide text in the audit log).
// Otherwise kInvalidArgument saying so. Pure; thread-safe.
Status ValidateReason(std::string_view reason);

// The number of visible characters in `text`, as ValidateReason counts them.
size_t CountVisibleChars(std::string_view text);

}  // namespace anpr
