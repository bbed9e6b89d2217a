// Reads the characters of one rectified plate line with Tesseract's LSTM
// engine through its C++ API, with a confidence and alternatives for each
// character. One PlateReader holds one Tesseract engine: load it once per
// worker thread and reuse it (loading takes ~100 ms; reading a line a few ms).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "vehicle/records/status.h"
#include "vehicle/recognition/plate.h"

namespace tesseract {
class TessBaseAPI;
}

namespace anpr {

struct ReaderOptions {
  // Folder holding eng.traineddata (Debian: tesseract-ocr-eng). Empty: the
  // TESSDATA_PREFIX environment variable, else Debian's folder.
  std::string tessdata_dir;
  std::string language = "eng";
};

class PlateReader {
 public:
  // Loads the engine. Fails with kNotFound when the trained data is missing.
  static Result<std::unique_ptr<PlateReader>> Create(const ReaderOptions& options = {});
  ~PlateReader();
  PlateReader(const PlateReader&) = delete;
  PlateReader& operator=(const PlateReader&) = delete;

  // Reads one line of characters: `line` is 8-bit grey, dark characters on a
  // light ground, characters roughly 30-40 px tall, upright. Returns the
  // characters left to right (A-Z 0-9 only); empty when nothing was read.
  // When `boxes` is given it receives each character's box in `line`.
  // Not thread-safe: one reader per thread.
  std::vector<CharChoice> ReadLine(const cv::Mat& line, std::vector<cv::Rect>* boxes = nullptr);

 private:
  PlateReader();
  std::unique_ptr<tesseract::TessBaseAPI> api_;
};

}  // namespace anpr
