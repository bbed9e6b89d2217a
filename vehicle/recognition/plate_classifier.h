// Tells a number plate from other text with a learned model: the detector
// (plate_detector.h) proposes rows of characters; a small convolutional
// network trained by the project (vehicle/recognition/training/) looks at
// each proposal with its surroundings, in colour, and gives the probability
// that it is a plate rather than a sign, a van's livery, a grille or a
// wall. The model is ONNX, run with OpenCV's dnn module;
// vehicle/recognition/model/MODEL.md says how it was trained and measured.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "vehicle/records/status.h"
#include "vehicle/recognition/plate_detector.h"

namespace anpr {

// The size of the region's cut (CutRegionForClassifier) and of the model's
// input (RegionInputBlob).
inline constexpr int kRegionInputHeightPx = 32;
inline constexpr int kRegionInputWidthPx = 96;

// The committed model (vehicle/recognition/model/plate_classifier.onnx in
// the source tree), or the file named by ANPR_PLATE_CLASSIFIER_MODEL.
std::string DefaultPlateClassifierModelPath();

// What the classifier sees of `region`: its outline grown by a quarter of
// its width at each end and its height above and below, rectified upright
// (so tilt and perspective are taken out) and resized to
// kRegionInputWidthPx x kRegionInputHeightPx, BGR (a grey frame gives three
// equal channels). The same function cuts the training samples.
cv::Mat CutRegionForClassifier(const cv::Mat& frame, const PlateRegion& region);

class PlateClassifier {
 public:
  // Loads the ONNX model. kNotFound when the file is missing,
  // kInvalidArgument when OpenCV cannot import it.
  static Result<std::unique_ptr<PlateClassifier>> Load(const std::string& onnx_path);
  ~PlateClassifier();
  PlateClassifier(const PlateClassifier&) = delete;
  PlateClassifier& operator=(const PlateClassifier&) = delete;

  // Probability (0-1) that `cut` (CutRegionForClassifier) shows a plate.
  // Not thread-safe (the network keeps buffers): one per thread.
  double PlateProbability(const cv::Mat& cut);
  // The same for several cuts in one pass of the network (a frame's
  // proposals): one probability per cut, in order.
  std::vector<double> PlateProbabilities(const std::vector<cv::Mat>& cuts);

 private:
  struct Impl;  // the cv::dnn::Net, kept out of this header
  explicit PlateClassifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The part of the cut the network looks at (cut pixels): the region with a
// narrower margin than the cut's, which keeps the wider view for training
// other models on the same samples.
cv::Rect RegionLookWindow();

// The network's input blob (1 x 1 x 32 x 96, CV_32F) for `cut`: the look
// window in grey, resized to the cut's size (bilinear), standardised per
// cut. training/train_plate_classifier.py prepares its samples the same
// way; exposed so the test can check the contract.
cv::Mat RegionInputBlob(const cv::Mat& cut);

}  // namespace anpr
