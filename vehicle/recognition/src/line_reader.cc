// The learned line reader: OpenCV dnn forward pass and greedy CTC decoding.
#include "vehicle/recognition/line_reader.h"

#include "vehicle/recognition/src/grey.h"
#include "vehicle/recognition/src/onnx_model.h"

#include <cstdlib>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

namespace anpr {

struct LineReader::Impl {
  cv::dnn::Net net;
};

std::string DefaultLineModelPath() {
  if (const char* env = std::getenv("ANPR_LINE_MODEL"); env && *env) return env;
  // As configured, not __FILE__ (see DefaultCharModelPath).
  return ANPR_SOURCE_LINE_MODEL;
}

LineReader::LineReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LineReader::~LineReader() = default;

Result<std::unique_ptr<LineReader>> LineReader::Load(const std::string& onnx_path) {
  auto net = recognition_internal::LoadOnnxModel(onnx_path, "line reader model");
  if (!net.ok()) return net.status();
  auto impl = std::make_unique<Impl>();
  impl->net = std::move(net.value());
  return std::unique_ptr<LineReader>(new LineReader(std::move(impl)));
}

cv::Mat LineInputBlob(const cv::Mat& crop) {
  cv::Mat grey = recognition_internal::ToGrey(crop);
  // Area averaging when shrinking (no aliasing), bilinear when enlarging:
  // training prepares its crops with the same two calls.
  const int interp = grey.cols > kLineInputWidthPx ? cv::INTER_AREA : cv::INTER_LINEAR;
  cv::Mat small;
  cv::resize(grey, small, cv::Size(kLineInputWidthPx, kLineInputHeightPx), 0, 0, interp);
  cv::Mat f;
  small.convertTo(f, CV_32F);
  // Standardised per crop, so exposure and plate colour do not matter.
  cv::Scalar mean, stddev;
  cv::meanStdDev(f, mean, stddev);
  f = (f - mean[0]) / std::max(stddev[0], 1.0);
  const int shape[] = {1, 1, kLineInputHeightPx, kLineInputWidthPx};
  cv::Mat blob(4, shape, CV_32F);
  f.copyTo(cv::Mat(kLineInputHeightPx, kLineInputWidthPx, CV_32F, blob.ptr<float>()));
  return blob;
}

LineReading DecodeCtcGreedy(const cv::Mat& scores) {
  LineReading out;
  int previous = 0;
  for (int col = 0; col < scores.cols; ++col) {
    cv::Point best;
    double p = 0;
    cv::minMaxLoc(scores.col(col), nullptr, &p, nullptr, &best);
    const int k = best.y;
    if (k != 0 && k != previous) {
      out.text.push_back(kLineClasses[k]);
      out.char_confidence.push_back(static_cast<float>(p));
    } else if (k != 0 && !out.char_confidence.empty()) {
      out.char_confidence.back() = std::max(out.char_confidence.back(), static_cast<float>(p));
    }
    previous = k;
  }
  return out;
}

LineReading LineReader::Read(const cv::Mat& crop) {
  if (crop.empty()) return {};
  impl_->net.setInput(LineInputBlob(crop));
  cv::Mat out = impl_->net.forward();  // 1 x classes x 1 x columns, raw scores
  const int classes = out.size[1];
  const int columns = out.size[3];
  cv::Mat scores = cv::Mat(classes, columns, CV_32F, out.ptr<float>()).clone();
  // Softmax per column here, not in the model: OpenCV 4.6 reads an ONNX
  // Softmax over axis 1 of a 4-D tensor differently from PyTorch.
  for (int col = 0; col < columns; ++col) {
    cv::Mat c = scores.col(col);
    double top = 0;
    cv::minMaxLoc(c, nullptr, &top);
    cv::exp(c - top, c);
    c /= cv::sum(c)[0];
  }
  return DecodeCtcGreedy(scores);
}

}  // namespace anpr
