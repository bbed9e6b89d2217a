#include "vehicle/recognition/char_classifier.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include <opencv2/imgproc.hpp>

namespace anpr {
namespace {

constexpr int kSide = 32;     // the character is scaled to this height, centred in a square
constexpr int kCell = 8;      // HOG cell
constexpr int kBins = 9;      // unsigned orientations
constexpr int kCells = kSide / kCell;
constexpr int kThumb = 8;     // a kThumb x kThumb thumbnail of the ink, too

}  // namespace

std::string DefaultCharModelPath() {
  if (const char* env = std::getenv("ANPR_CHAR_MODEL"); env && *env) return env;
  // The model in the source tree, as configured (not __FILE__: ccache's
  // base_dir makes that relative to the build folder, and a bench run from
  // elsewhere then silently read without the classifier).
  return ANPR_SOURCE_CHAR_MODEL;
}

cv::Mat CharFeatures(const cv::Mat& grey) {
  cv::Mat g;
  if (grey.channels() == 3) {
    cv::cvtColor(grey, g, cv::COLOR_BGR2GRAY);
  } else {
    g = grey;
  }
  // Stretch to the patch's own ink and ground.
  double lo = 0, hi = 255;
  cv::minMaxLoc(g, &lo, &hi);
  if (hi - lo < 8) hi = lo + 8;
  cv::Mat f;
  g.convertTo(f, CV_32F, 1.0 / (hi - lo), -lo / (hi - lo));
  // Height to kSide, width in proportion (at most kSide), centred on white.
  float s = float(kSide) / float(std::max(1, f.rows));
  int w = std::clamp(int(std::lround(float(f.cols) * s)), 1, kSide);
  cv::Mat scaled;
  cv::resize(f, scaled, cv::Size(w, kSide), 0, 0, cv::INTER_AREA);
  cv::Mat square(kSide + 2, kSide + 2, CV_32F, cv::Scalar(1.0f));
  scaled.copyTo(square(cv::Rect(1 + (kSide - w) / 2, 1, w, kSide)));
  cv::Mat gx, gy, mag, ang;
  cv::Sobel(square, gx, CV_32F, 1, 0, 1);
  cv::Sobel(square, gy, CV_32F, 0, 1, 1);
  cv::cartToPolar(gx, gy, mag, ang, false);
  // Cell histograms, orientation votes split between the two nearest bins.
  float hist[kCells][kCells][kBins] = {};
  for (int y = 0; y < kSide; ++y) {
    const float* m = mag.ptr<float>(y + 1) + 1;
    const float* a = ang.ptr<float>(y + 1) + 1;
    for (int x = 0; x < kSide; ++x) {
      float t = std::fmod(a[x], float(CV_PI)) / float(CV_PI) * kBins - 0.5f;
      int b0 = int(std::floor(t));
      float fr = t - float(b0);
      int b1 = b0 + 1;
      b0 = (b0 + kBins) % kBins;
      b1 = b1 % kBins;
      float* h = hist[y / kCell][x / kCell];
      h[b0] += m[x] * (1 - fr);
      h[b1] += m[x] * fr;
    }
  }
  const int blocks = (kCells - 1) * (kCells - 1);
  cv::Mat out(1, blocks * 4 * kBins + kThumb * kThumb + 1, CV_32F);
  float* o = out.ptr<float>(0);
  for (int by = 0; by + 1 < kCells; ++by) {
    for (int bx = 0; bx + 1 < kCells; ++bx) {
      float* start = o;
      double ss = 1e-3;
      for (int cy = 0; cy < 2; ++cy) {
        for (int cx = 0; cx < 2; ++cx) {
          for (int b = 0; b < kBins; ++b) {
            float v = hist[by + cy][bx + cx][b];
            *o++ = v;
            ss += double(v) * v;
          }
        }
      }
      float inv = float(1.0 / std::sqrt(ss));
      for (float* p = start; p < o; ++p) *p *= inv;
    }
  }
  cv::Mat thumb;
  cv::resize(square(cv::Rect(1, 1, kSide, kSide)), thumb, cv::Size(kThumb, kThumb), 0, 0, cv::INTER_AREA);
  for (int y = 0; y < kThumb; ++y) {
    for (int x = 0; x < kThumb; ++x) *o++ = thumb.at<float>(y, x);
  }
  // The box's shape: "1" and "I" are narrow, "W" and "M" wide.
  *o++ = float(grey.cols) / float(std::max(1, grey.rows));
  return out;
}

bool CharNet::Save(const std::string& path) const {
  cv::FileStorage fs(path, cv::FileStorage::WRITE);
  if (!fs.isOpened()) return false;
  fs << "classes" << std::string(kCharClasses) << "mean" << mean << "scale" << scale << "w1" << w1 << "b1" << b1
     << "w2" << w2 << "b2" << b2;
  return true;
}

bool CharNet::Load(const std::string& path) {
  cv::FileStorage fs(path, cv::FileStorage::READ);
  if (!fs.isOpened()) return false;
  std::string classes;
  fs["classes"] >> classes;
  fs["mean"] >> mean;
  fs["scale"] >> scale;
  fs["w1"] >> w1;
  fs["b1"] >> b1;
  fs["w2"] >> w2;
  fs["b2"] >> b2;
  return classes == kCharClasses && mean.type() == CV_32F && w1.type() == CV_32F && w2.type() == CV_32F &&
         w1.cols == mean.cols && scale.cols == mean.cols && b1.rows == w1.rows && w2.cols == w1.rows &&
         w2.rows == kNumCharClasses && b2.rows == w2.rows;
}

std::vector<float> CharNet::Forward(const cv::Mat& features) const {
  cv::Mat x = (features - mean).mul(scale);
  cv::Mat h = w1 * x.t() + b1;
  h = cv::max(h, 0.0f);
  cv::Mat z = w2 * h + b2;
  double mx = 0;
  cv::minMaxLoc(z, nullptr, &mx);
  std::vector<float> p(size_t(z.rows));
  double sum = 0;
  for (int i = 0; i < z.rows; ++i) sum += p[size_t(i)] = float(std::exp(double(z.at<float>(i)) - mx));
  for (float& v : p) v = float(v / sum);
  return p;
}

Result<std::unique_ptr<CharClassifier>> CharClassifier::Load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return NotFound("character model " + path + " not found (train it with train_chars)");
  }
  std::unique_ptr<CharClassifier> c(new CharClassifier());
  bool ok = false;
  try {
    ok = c->net_.Load(path);
  } catch (const cv::Exception& e) {
    return Internal("cannot load character model " + path + ": " + e.what());
  }
  if (!ok) return Internal("character model " + path + " is not a train_chars model");
  return c;
}

std::vector<std::pair<char, float>> CharClassifier::Classify(const cv::Mat& grey) const {
  std::vector<std::pair<char, float>> out;
  if (grey.empty()) return out;
  std::vector<float> p = net_.Forward(CharFeatures(grey));
  for (int i = 0; i < kNumCharClasses; ++i) out.emplace_back(kCharClasses[i], p[size_t(i)]);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

}  // namespace anpr
