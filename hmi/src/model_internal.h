// What the parts of HmiModel share (model.cc, model_input.cc,
// model_elements.cc and the screen builders in screens/): the "new wanted"
// validity choices and the helpers that turn record values into display
// text and pictures (model_format.cc). Not a public header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "hmi/scene.h"
#include "vehicle/records/read.h"

namespace anpr::hmi::internal {

// The validity an officer may give a "new wanted" entry, in days: at most 100.
inline constexpr int kWantedDays[] = {1, 7, 30, 100};

// `s` in upper case (ASCII).
std::string Upper(std::string s);

// An outcome as the screens print it: "CONFIRMED", "NOT SEEN" ...
std::string OutcomeText(HitOutcome o);

// A list's colour "#rrggbb" (or "rrggbb"), opaque; nullopt for anything else.
std::optional<Colour> ParseHexColour(const std::string& text);

// "1 day", "7 days".
std::string DaysText(int days);

// The JPEG decoded (BGR), shrunk to at most `max_width_px` wide keeping its
// aspect (0: full size). Null for no bytes or a corrupt image, which the
// screens show as "no image".
std::shared_ptr<const cv::Mat> Decode(const std::vector<uint8_t>& jpeg, int max_width_px);

// Local wall-clock time "HH:MM" or "HH:MM:SS"; "--:--" for no time (<= 0).
std::string LocalTime(int64_t utc_ms, bool seconds);

// How long ago `then_ms` was, coarsely: "<1m", "5m", "3h", "2d"; "never" for
// no time (<= 0).
std::string Age(int64_t now_ms, int64_t then_ms);

// "lat, lon" to five decimals, or "no GPS fix".
std::string Place(const GeoTag& g);

// Text for a plate: "AB12CDE" -> "AB12 CDE" for current GB marks, so the
// officer reads it the way it is printed. Other formats stay unspaced.
std::string Spaced(const std::string& vrm);

// How many lines `text` needs when wrapped at word boundaries into
// `width_px` at `font_px` (the view's fonts, estimated on the wide side so a
// box sized by it holds the text).
int EstimateTextWidthPx(const std::string& text, int font_px, bool bold);
int EstimateTextLines(const std::string& text, int font_px, int width_px, bool bold);

// A hotlist entry's warning markers, "FIREARMS, VIOLENT" -> {"FIREARMS",
// "VIOLENT"}: split at commas and semicolons, trimmed, empty ones dropped.
std::vector<std::string> SplitMarkers(const std::string& markers);

// One column of the read VRM drawn above the listed VRM it matched.
struct VrmColumn {
  char read = 0, listed = 0;  // 0: that mark has no character here
  bool gap = false;           // the space between a GB mark's two groups
  bool differs() const { return !gap && read != listed; }
};
// The read and the listed VRM aligned character by character, so the officer
// compares them column by column: position by position when the lengths are
// equal (a similar match substitutes, it never inserts), else by the fewest
// edits. One gap column where the read is printed with a space (Spaced), the
// same for both, so "GF20MHU" and "GF2OMHU" line up.
std::vector<VrmColumn> AlignVrms(const std::string& read, const std::string& listed);

}  // namespace anpr::hmi::internal
