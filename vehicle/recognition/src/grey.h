// The one conversion of a frame or cut to 8-bit-channel grey that the
// recognition code uses. Not a public header.
#pragma once

#include <opencv2/imgproc.hpp>

namespace anpr::recognition_internal {

// `image` in grey: BGR and BGRA are converted, a one-channel image is
// returned as is (shared, not copied).
inline cv::Mat ToGrey(const cv::Mat& image) {
  cv::Mat grey;
  if (image.channels() == 3) {
    cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
  } else if (image.channels() == 4) {
    cv::cvtColor(image, grey, cv::COLOR_BGRA2GRAY);
  } else {
    grey = image;
  }
  return grey;
}

}  // namespace anpr::recognition_internal
