// What recognition sees of one plate in one frame: the contract between the
// per-frame recogniser and the tracker that votes across frames.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "vehicle/records/read.h"

namespace anpr {

// Plate syntax region: which national formats are preferred when reading.
enum class Region { kGb, kEu };

// One character position of a reading, with the recogniser's alternatives.
struct CharChoice {
  char best = '?';
  float confidence = 0;  // 0-100
  // Other characters considered at this position, best first, with their
  // confidences (may be empty).
  std::vector<std::pair<char, float>> alternatives;
};

// One plate found and read in one frame.
struct PlateObservation {
  std::string text;        // best reading, normalised (A-Z 0-9)
  double confidence = 0;   // 0-100, for the whole reading
  std::vector<CharChoice> chars;  // one per character of text
  std::vector<PlateCandidate> candidates;  // next-best whole readings
  std::string syntax;      // "gb-current", ..., "eu", or "none"
  cv::Rect box;            // in frame pixels
  std::array<cv::Point2f, 4> corners{};  // TL, TR, BR, BL
  cv::Mat patch;           // the rectified plate with a margin round it, BGR, owned copy
  // The plate reaches the frame's edge, so part of it may be outside the
  // picture: such an observation is evidence only when no other is.
  bool at_frame_edge = false;
  // A wider view of the vehicle around the plate, BGR, owned copy (filled by
  // the pipeline for the evidence overview image; may be empty).
  cv::Mat overview;
};

}  // namespace anpr
