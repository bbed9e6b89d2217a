// Thresholds on a detected region's plate-likeness (PlateRegion::plateness)
// that both the line reading (src/line_reading.cc) and the region reading
// (src/recognizer.cc) apply. Not a public header.
#pragma once

namespace anpr::recognition_internal {

// Plate-likeness (PlateRegion::plateness) below which a region is not read
// at all, and below which it is doubtful: a doubtful region's reading must
// fit a registration, and its confidence is lowered so that the tracker
// does not make a read of it from one frame alone.
inline constexpr double kNotAPlate = 0.2;
inline constexpr double kDoubtfulPlate = 0.5;
inline constexpr double kDoubtfulConfidence = 0.75;

}  // namespace anpr::recognition_internal
