#include "vehicle/recognition/evidence_patch.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace anpr {
namespace {

// Margins as fractions of the region's height. A plate character is about
// 0.65 of its height wide (GB and DIN fonts alike), so the side margin shows
// one more character at each end.
constexpr float kSideMargin = 0.7f;
constexpr float kTopBottomMargin = 0.25f;

}  // namespace

cv::Mat EvidencePatch(const cv::Mat& frame, const std::array<cv::Point2f, 4>& corners) {
  const cv::Point2f along = corners[1] - corners[0];
  const cv::Point2f down = corners[3] - corners[0];
  const float w = float(cv::norm(along)), h = float(cv::norm(down));
  if (frame.empty() || w < 1 || h < 1) return {};
  const cv::Point2f u = along * (1 / w), v = down * (1 / h);
  const float mx = kSideMargin * h, my = kTopBottomMargin * h;
  const std::array<cv::Point2f, 4> src = {corners[0] - mx * u - my * v, corners[1] + mx * u - my * v,
                                          corners[2] + mx * u + my * v, corners[3] - mx * u + my * v};
  const int width_px = std::max(8, int(w + 2 * mx)), height_px = std::max(8, int(h + 2 * my));
  const std::array<cv::Point2f, 4> dst = {cv::Point2f(0, 0), cv::Point2f(float(width_px), 0),
                                          cv::Point2f(float(width_px), float(height_px)),
                                          cv::Point2f(0, float(height_px))};
  const cv::Mat m = cv::getPerspectiveTransform(src.data(), dst.data());
  cv::Mat patch;
  cv::warpPerspective(frame, patch, m, cv::Size(width_px, height_px), cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                      cv::Scalar::all(0));
  return patch;
}

}  // namespace anpr
