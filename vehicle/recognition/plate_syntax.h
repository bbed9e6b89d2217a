// Plate syntax by region: which strings are valid registrations, and the
// positional character fixes that turn an OCR reading into one (a "0" where
// the format needs a letter is an "O", an "S" where it needs a digit is a
// "5", ...). A reading that fits no format is kept as read, marked "none".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vehicle/recognition/plate.h"

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

// Whether a fit matches one of the region's concrete formats: for gb any GB
// format, for eu one of the European layouts the fit knows (a merely
// plausible "eu" reading does not count).
bool FitsRegionFormat(const SyntaxFit& fit, Region region);

// One reading of a line with a character dropped (or none), fitted.
struct LengthVariant {
  std::vector<CharChoice> chars;  // the characters the fit was made from
  SyntaxFit fit;
  int dropped = -1;               // position dropped from the reading; -1: as read
  bool matches = false;           // FitsRegionFormat(fit)
  double confidence = 0;          // of the whole fitted reading (0-100)
};

// The reading as read and one character shorter (its first, its last or its
// weakest character dropped), each fitted, the preferred one first, then the
// others (for candidates). A shorter reading is preferred only on syntax
// evidence: it fits a format the reading as read does not (gb: and the
// dropped character is under 0.8 of the others' mean confidence; eu, whose
// layouts are weak evidence: and it is the weakest character), or, for gb
// only, it is a current-format plate where the reading as read fits only an
// older format and the dropped character has under half the confidence of
// every other. Readings shorter than `min_chars` are not made.
// `reading_confidence` rates a fitted reading from its character confidences
// (LengthVariant::confidence; may be null).
std::vector<LengthVariant> FitLengthVariants(const std::vector<CharChoice>& chars, Region region,
                                             size_t min_chars,
                                             double (*reading_confidence)(const std::vector<float>&));

}  // namespace anpr
