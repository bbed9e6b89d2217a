// The plate patch kept with a read as evidence: what an officer compares the
// reading with before acting on a hit.
#pragma once

#include <array>

#include <opencv2/core.hpp>

namespace anpr {

// The region `corners` (TL, TR, BR, BL, frame pixels) rectified, widened by
// a margin: about one character at each end and a quarter of the region's
// height above and below. So a character the detector left out of the
// region at an end (beside a band, a bolt or the frame's edge) still shows
// and the officer can see that the reading missed it. What lies outside the
// frame is black, never invented. Empty for a degenerate region.
cv::Mat EvidencePatch(const cv::Mat& frame, const std::array<cv::Point2f, 4>& corners);

}  // namespace anpr
