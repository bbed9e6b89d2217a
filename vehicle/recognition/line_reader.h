// Reads a whole plate line with a learned model: a small convolutional
// network trained by the project (vehicle/recognition/training/) scores
// every column of the line over the plate alphabet and a "blank", and the
// scores are decoded greedily as CTC (connectionist temporal
// classification): no cutting into characters, no per-blob rules. The model
// is ONNX, run with OpenCV's dnn module; vehicle/recognition/model/MODEL.md
// says how it was trained and how well it reads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "vehicle/records/status.h"

namespace anpr {

// The model's input: 8-bit grey line resized to this, then standardised
// (training/train_line_reader.py prepares its images the same way).
inline constexpr int kLineInputHeightPx = 32;
inline constexpr int kLineInputWidthPx = 128;
// The model's classes in output order; index 0 is the CTC blank.
inline constexpr const char* kLineClasses = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

// The committed model (vehicle/recognition/model/line_reader.onnx in the
// source tree), or the file named by the ANPR_LINE_MODEL environment variable.
std::string DefaultLineModelPath();

struct LineReading {
  std::string text;                   // A-Z 0-9, left to right; empty when nothing was read
  std::vector<float> char_confidence;  // per character, 0-1 (the best column's probability)
};

class LineReader {
 public:
  // Loads the ONNX model. kNotFound when the file is missing, kInvalidArgument
  // when OpenCV cannot import it.
  static Result<std::unique_ptr<LineReader>> Load(const std::string& onnx_path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Reads one plate line: `crop` is BGR or 8-bit grey, the plate cut at its
  // box (a small margin either way is fine), upright within a few degrees.
  // Not thread-safe (the network keeps buffers): one reader per thread.
  LineReading Read(const cv::Mat& crop);

 private:
  struct Impl;  // the cv::dnn::Net, kept out of this header
  explicit LineReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The network's input blob (1 x 1 x 32 x 128, CV_32F) for `crop`: exposed
// so the test can check it against what training does.
cv::Mat LineInputBlob(const cv::Mat& crop);

// Greedy CTC decoding of `scores` (classes x columns, CV_32F, each column
// probabilities summing to 1; class 0 the blank): the best class per
// column, repeats merged, blanks dropped.
LineReading DecodeCtcGreedy(const cv::Mat& scores);

}  // namespace anpr
