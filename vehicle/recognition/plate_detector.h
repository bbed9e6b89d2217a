// Finds number plates in a frame with classical image processing (no learned
// weights): plates are found as rows of similar, evenly spaced dark
// characters on a lighter ground, which covers white and yellow UK plates,
// European plates (the blue band is left out of the row), one- and two-line
// plates, tilted or seen at an angle, by day, at night and from IR cameras.
#pragma once

#include <array>
#include <vector>

#include <opencv2/core.hpp>

namespace anpr {

// One row of characters of a plate, as a quadrilateral in frame pixels
// (TL, TR, BR, BL) that holds the characters with a small margin.
struct TextLine {
  std::array<cv::Point2f, 4> corners{};
  float char_height_px = 0;  // median character height, frame pixels
  int char_count = 0;        // characters the detector separated
};

// A plate found in a frame.
struct PlateRegion {
  std::vector<TextLine> lines;           // top to bottom: 1 or 2
  std::array<cv::Point2f, 4> corners{};  // outline of all lines, TL TR BR BL
  cv::Rect box;                          // axis-aligned bounds, clipped to the frame
  double score = 0;                      // larger is more plate-like
  // How plate-like the surroundings of the characters are (0-1, see
  // PlateLikeness): 0 not a plate, 0.4 doubtful (on an open light field),
  // 1 plate-like or not measured.
  double plateness = 1;
};

struct DetectorOptions {
  // Frames larger than this (longest side) are scaled down for the search;
  // plates are still cut from the full-size frame for reading.
  int max_search_side_px = 1280;
  // Character heights searched, in search-image pixels.
  int min_char_height_px = 7;
  int max_char_height_px = 160;
  // Also look for light characters on a dark ground (some EU and old UK
  // plates); doubles the search cost.
  bool light_on_dark = false;
  // At most this many plates per frame, best first.
  int max_plates = 8;
};

// Stateless apart from its options; Detect may be called from several
// threads at once.
class PlateDetector {
 public:
  explicit PlateDetector(DetectorOptions options = {}) : options_(options) {}
  // Plates in `frame` (BGR or grey, any size), best first (by plateness,
  // then score). Never throws; an empty frame gives no plates.
  std::vector<PlateRegion> Detect(const cv::Mat& frame) const;

 private:
  DetectorOptions options_;
};

// How much `region` (in `grey`, frame pixels) looks like a number plate
// rather than other text, from its surroundings alone (0-1): a plate is a
// light, uniform field that closely encloses its characters - a quiet
// margin of a fraction of a character height above, below and at the ends
// of the row - and ends soon after (its edge, border or frame). Text on a
// large light field (a van's side, a shop front), text without a light
// field round it (lettering on a dark body, a light-on-dark sign) or with
// clutter in its margins scores low. Cheap: a few band statistics of a
// small rectified patch. Detect fills PlateRegion::plateness with it.
double PlateLikeness(const cv::Mat& grey, const PlateRegion& region);

}  // namespace anpr
