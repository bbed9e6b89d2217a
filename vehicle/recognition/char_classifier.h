// A per-character classifier the project trains itself: gradient-orientation
// (HOG-like) features of one character blob into a small neural network
// (one hidden layer, softmax over A-Z 0-9 and "not a character"). The
// recognizer uses it as a second opinion beside Tesseract on the blobs
// PrepareLineForOcr keeps. tests/recognition/train_chars.cc trains it on
// characters rendered from Debian fonts and writes vehicle/recognition/model/chars.yml.gz.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "vehicle/records/status.h"

namespace anpr {

// The classes, in the network's output order; the last one, '#', is "not a
// character" (part of a frame, two characters touching, a screw).
inline constexpr const char* kCharClasses = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#";
inline constexpr int kNumCharClasses = 37;
inline constexpr char kNotAChar = '#';

// The trained model committed with the source (vehicle/recognition/model/chars.yml.gz),
// or the file named by the ANPR_CHAR_MODEL environment variable.
std::string DefaultCharModelPath();

// The feature vector (CV_32F, one row) of one character: `grey` is 8-bit,
// dark character on a light ground, cut to the character's box (a margin of
// a pixel or two is fine). Training and reading share it.
cv::Mat CharFeatures(const cv::Mat& grey);

// The network's weights: hidden = relu(W1 (x - mean) / scale + b1),
// out = softmax(W2 hidden + b2). Rows of W1/W2 are units.
struct CharNet {
  cv::Mat mean, scale;  // 1 x D
  cv::Mat w1, b1;       // H x D, H x 1
  cv::Mat w2, b2;       // K x H, K x 1
  bool Save(const std::string& path) const;
  bool Load(const std::string& path);
  // Class probabilities (K, summing to 1) of one feature row.
  std::vector<float> Forward(const cv::Mat& features) const;
};

class CharClassifier {
 public:
  // Loads a model written by train_chars. kNotFound when the file is missing.
  static Result<std::unique_ptr<CharClassifier>> Load(const std::string& path);

  // Every class (kCharClasses, '#' included) with its probability (0-1,
  // summing to 1), most likely first.
  std::vector<std::pair<char, float>> Classify(const cv::Mat& grey) const;

 private:
  CharClassifier() = default;
  CharNet net_;
};

}  // namespace anpr
