// Plate syntax by region: which strings are valid registrations, and the
// positional character fixes that turn an OCR reading into one (a "0" where
// the format needs a letter is an "O", an "S" where it needs a digit is a
// "5", ...). A reading that fits no format is kept as read, marked "none".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vehicle/plate.h"

namespace anpr {

// "gb" or "eu".
const char* RegionName(Region region);
// Accepts "gb" / "eu" in any case; false for anything else.
bool ParseRegion(std::string_view text, Region* out);

// The outcome of fitting a reading to its region's formats.
struct SyntaxFit {
  std::string text;     // the reading after positional fixes (A-Z 0-9)
  std::string syntax;   // "gb-current", "gb-prefix", "gb-suffix", "gb-ni",
                        // "gb-dateless", "eu", or "none"
  std::vector<float> char_confidence;  // 0-100, one per character of text
  int fixes = 0;        // characters changed from the OCR's best choice
  double score = 0;     // sum of the chosen characters' confidences
};

// Which syntax `text` (normalised A-Z 0-9) has in `region`, with no fixes
// applied: "gb-current" ... for region gb, "eu" for a plausible European
// registration, "none" otherwise.
std::string ClassifyPlate(std::string_view text, Region region);

// Fits per-character OCR choices to the region's formats. Each position may
// take its best character, one of its alternatives, or the look-alike of the
// best character (O/0, I/1, S/5, B/8, Z/2, G/6, D/0) when the format needs the
// other class there; the format with the highest total confidence wins. When
// no format fits, the best characters are returned unchanged with syntax
// "none". Empty input gives empty text and "none".
SyntaxFit FitPlateSyntax(const std::vector<CharChoice>& chars, Region region);

}  // namespace anpr
