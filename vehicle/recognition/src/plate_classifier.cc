// The learned plate classifier: the region's cut and the OpenCV dnn
// forward pass.
#include "vehicle/recognition/plate_classifier.h"

#include "vehicle/recognition/src/grey.h"
#include "vehicle/recognition/src/onnx_model.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

namespace anpr {
namespace {

// The cut spans the region's outline from -kGrowX to 1 + kGrowX of its
// width and -kGrowY to 1 + kGrowY of its height: a plate's rows of
// characters with the plate's ground, its edge and some of the vehicle.
constexpr float kGrowX = 0.25f;
constexpr float kGrowY = 1.0f;
// The network looks at the middle of the cut: the region grown by
// kLookGrowX of its width at each end and kLookGrowY of its height above
// and below (the plate's edge and little of the vehicle), in grey,
// standardised. Measured on generated proposals and eu-dev (MODEL.md):
// the vehicle round the plate and its colours are where the generator
// differs most from real photographs, and a model that saw them rejected
// real plates that one looking closer keeps.
constexpr float kLookGrowX = 0.1f;
constexpr float kLookGrowY = 0.45f;
// The warp samples at this multiple of the input size, then averages down
// (less aliasing of fine strokes than sampling at the input size).
constexpr int kOversample = 2;

cv::Mat AsBgr(const cv::Mat& image) {
  if (image.channels() == 3) return image;
  cv::Mat bgr;
  cv::cvtColor(image, bgr, image.channels() == 4 ? cv::COLOR_BGRA2BGR : cv::COLOR_GRAY2BGR);
  return bgr;
}

}  // namespace

struct PlateClassifier::Impl {
  cv::dnn::Net net;
};

std::string DefaultPlateClassifierModelPath() {
  if (const char* env = std::getenv("ANPR_PLATE_CLASSIFIER_MODEL"); env && *env) return env;
  // As configured, not __FILE__ (see DefaultCharModelPath).
  return ANPR_SOURCE_PLATE_CLASSIFIER_MODEL;
}

cv::Mat CutRegionForClassifier(const cv::Mat& frame, const PlateRegion& region) {
  const cv::Size input(kRegionInputWidthPx, kRegionInputHeightPx);
  if (frame.empty()) return cv::Mat(input, CV_8UC3, cv::Scalar::all(0));
  const std::vector<cv::Point2f> quad(region.corners.begin(), region.corners.end());
  const double area = std::abs(cv::contourArea(quad));
  cv::Mat to_quad;
  if (area >= 4.0) {
    const std::vector<cv::Point2f> unit = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
    to_quad = cv::getPerspectiveTransform(unit, quad);
  }
  if (to_quad.empty() || !cv::checkRange(to_quad)) {
    // No usable outline: the axis-aligned box, grown alike.
    const cv::Rect b = region.box;
    const std::vector<cv::Point2f> unit = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
    const std::vector<cv::Point2f> box = {{float(b.x), float(b.y)},
                                          {float(b.x + std::max(b.width, 1)), float(b.y)},
                                          {float(b.x + std::max(b.width, 1)), float(b.y + std::max(b.height, 1))},
                                          {float(b.x), float(b.y + std::max(b.height, 1))}};
    to_quad = cv::getPerspectiveTransform(unit, box);
  }
  const std::vector<cv::Point2f> grown_unit = {
      {-kGrowX, -kGrowY}, {1 + kGrowX, -kGrowY}, {1 + kGrowX, 1 + kGrowY}, {-kGrowX, 1 + kGrowY}};
  std::vector<cv::Point2f> grown;
  cv::perspectiveTransform(grown_unit, grown, to_quad);
  const cv::Size big(input.width * kOversample, input.height * kOversample);
  const std::vector<cv::Point2f> target = {
      {0, 0}, {float(big.width), 0}, {float(big.width), float(big.height)}, {0, float(big.height)}};
  const cv::Mat warp = cv::getPerspectiveTransform(grown, target);
  cv::Mat warped;
  if (!cv::checkRange(warp)) return cv::Mat(input, CV_8UC3, cv::Scalar::all(0));
  // Warped and resized in the frame's own channels, then made BGR: the
  // conversion is per pixel, so on the small cut it gives the same as on the
  // whole frame, once per proposal.
  cv::warpPerspective(frame, warped, warp, big, cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::Mat cut;
  cv::resize(warped, cut, input, 0, 0, cv::INTER_AREA);
  return AsBgr(cut);
}

PlateClassifier::PlateClassifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PlateClassifier::~PlateClassifier() = default;

Result<std::unique_ptr<PlateClassifier>> PlateClassifier::Load(const std::string& onnx_path) {
  auto net = recognition_internal::LoadOnnxModel(onnx_path, "plate classifier model");
  if (!net.ok()) return net.status();
  auto impl = std::make_unique<Impl>();
  impl->net = std::move(net.value());
  return std::unique_ptr<PlateClassifier>(new PlateClassifier(std::move(impl)));
}

cv::Rect RegionLookWindow() {
  const double px_per_width = kRegionInputWidthPx / (1 + 2.0 * kGrowX);
  const double px_per_height = kRegionInputHeightPx / (1 + 2.0 * kGrowY);
  const int x0 = int(std::lround((kGrowX - kLookGrowX) * px_per_width));
  const int x1 = int(std::lround((kGrowX + 1 + kLookGrowX) * px_per_width));
  const int y0 = int(std::lround((kGrowY - kLookGrowY) * px_per_height));
  const int y1 = int(std::lround((kGrowY + 1 + kLookGrowY) * px_per_height));
  return {x0, y0, x1 - x0, y1 - y0};
}

cv::Mat RegionInputBlob(const cv::Mat& cut) {
  cv::Mat grey = recognition_internal::ToGrey(cut);
  if (grey.cols != kRegionInputWidthPx || grey.rows != kRegionInputHeightPx) {
    cv::resize(grey, grey, cv::Size(kRegionInputWidthPx, kRegionInputHeightPx), 0, 0, cv::INTER_AREA);
  }
  cv::Mat look;
  cv::resize(grey(RegionLookWindow()), look, cv::Size(kRegionInputWidthPx, kRegionInputHeightPx), 0, 0,
             cv::INTER_LINEAR);
  cv::Mat f;
  look.convertTo(f, CV_32F);
  // Standardised per cut, so exposure and plate colour do not matter.
  cv::Scalar mean, stddev;
  cv::meanStdDev(f, mean, stddev);
  f = (f - mean[0]) / std::max(stddev[0], 1.0);
  const int shape[] = {1, 1, kRegionInputHeightPx, kRegionInputWidthPx};
  cv::Mat blob(4, shape, CV_32F);
  f.copyTo(cv::Mat(kRegionInputHeightPx, kRegionInputWidthPx, CV_32F, blob.ptr<float>()));
  return blob;
}

double PlateClassifier::PlateProbability(const cv::Mat& cut) {
  if (cut.empty()) return 0;
  return PlateProbabilities({cut}).front();
}

std::vector<double> PlateClassifier::PlateProbabilities(const std::vector<cv::Mat>& cuts) {
  std::vector<double> out(cuts.size(), 0.0);
  std::vector<size_t> kept;
  for (size_t i = 0; i < cuts.size(); ++i) {
    if (!cuts[i].empty()) kept.push_back(i);
  }
  if (kept.empty()) return out;
  const int plane = kRegionInputHeightPx * kRegionInputWidthPx;
  const int shape[] = {int(kept.size()), 1, kRegionInputHeightPx, kRegionInputWidthPx};
  cv::Mat batch(4, shape, CV_32F);
  for (size_t k = 0; k < kept.size(); ++k) {
    const cv::Mat one = RegionInputBlob(cuts[kept[k]]);
    std::copy(one.ptr<float>(), one.ptr<float>() + plane, batch.ptr<float>() + k * size_t(plane));
  }
  impl_->net.setInput(batch);
  const cv::Mat scores = impl_->net.forward();  // N x 2 raw scores: not a plate, plate
  const float* s = scores.ptr<float>();
  for (size_t k = 0; k < kept.size(); ++k) {
    // Softmax of two scores, taken here (as the line reader's).
    out[kept[k]] = 1.0 / (1.0 + std::exp(double(s[2 * k]) - double(s[2 * k + 1])));
  }
  return out;
}

}  // namespace anpr
