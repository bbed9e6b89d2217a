#include "vehicle/recognition/plate_reader.h"

#include <omp.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace anpr {
namespace {

constexpr const char* kDebianTessdata = "/usr/share/tesseract-ocr/5/tessdata";
constexpr const char* kPlateAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

bool IsPlateChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

}  // namespace

PlateReader::PlateReader() : api_(std::make_unique<tesseract::TessBaseAPI>()) {}

PlateReader::~PlateReader() {
  if (api_) api_->End();
}

Result<std::unique_ptr<PlateReader>> PlateReader::Create(const ReaderOptions& options) {
  std::string dir = options.tessdata_dir;
  if (dir.empty()) {
    const char* env = std::getenv("TESSDATA_PREFIX");
    dir = env && *env ? env : kDebianTessdata;
  }
  std::string file = dir + "/" + options.language + ".traineddata";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    return NotFound("Tesseract trained data " + file +
                    " not found (install the Debian package tesseract-ocr-eng)");
  }
  std::unique_ptr<PlateReader> reader(new PlateReader());
  // Dictionaries only hurt on registrations, and loading them costs time.
  std::vector<std::string> names = {"load_system_dawg", "load_freq_dawg", "load_punc_dawg",
                                    "load_number_dawg", "load_unambig_dawg", "load_bigram_dawg"};
  std::vector<std::string> values(names.size(), "0");
  if (reader->api_->Init(dir.c_str(), options.language.c_str(), tesseract::OEM_LSTM_ONLY, nullptr,
                         0, &names, &values, false) != 0) {
    return Internal("Tesseract failed to load " + file);
  }
  reader->api_->SetPageSegMode(tesseract::PSM_SINGLE_LINE);
  reader->api_->SetVariable("tessedit_char_whitelist", kPlateAlphabet);
  // Character-level alternatives from the LSTM decoder (ChoiceIterator).
  reader->api_->SetVariable("lstm_choice_mode", "2");
  reader->api_->SetVariable("debug_file", "/dev/null");
  return reader;
}

std::vector<CharChoice> PlateReader::ReadLine(const cv::Mat& line, std::vector<cv::Rect>* boxes) {
  std::vector<CharChoice> out;
  if (line.empty() || line.type() != CV_8UC1) return out;
  // Debian's Tesseract is built with OpenMP; the unit runs one engine per
  // worker thread, so the engine must not start threads of its own.
  omp_set_num_threads(1);
  cv::Mat img = line.isContinuous() ? line : line.clone();
  api_->SetImage(img.data, img.cols, img.rows, 1, int(img.step));
  api_->SetSourceResolution(300);
  if (api_->Recognize(nullptr) != 0) {
    api_->Clear();
    return out;
  }
  std::unique_ptr<tesseract::ResultIterator> it(api_->GetIterator());
  if (it) {
    do {
      std::unique_ptr<char[]> sym(it->GetUTF8Text(tesseract::RIL_SYMBOL));
      if (!sym || !IsPlateChar(sym[0]) || sym[1] != 0) continue;
      CharChoice c;
      c.best = sym[0];
      c.confidence = std::clamp(it->Confidence(tesseract::RIL_SYMBOL), 0.0f, 100.0f);
      tesseract::ChoiceIterator ci(*it);
      do {
        const char* t = ci.GetUTF8Text();
        if (!t || !IsPlateChar(t[0]) || t[1] != 0) continue;
        float conf = ci.Confidence();
        if (conf <= 1.0f) conf *= 100.0f;  // LSTM choices come as probabilities
        if (t[0] == c.best) continue;
        c.alternatives.emplace_back(t[0], std::clamp(conf, 0.0f, 100.0f));
      } while (ci.Next());
      std::sort(c.alternatives.begin(), c.alternatives.end(),
                [](const auto& a, const auto& b) { return a.second > b.second; });
      out.push_back(std::move(c));
      if (boxes) {
        int l = 0, t = 0, r = 0, b = 0;
        it->BoundingBox(tesseract::RIL_SYMBOL, &l, &t, &r, &b);
        boxes->push_back(cv::Rect(l, t, r - l, b - t));
      }
    } while (it->Next(tesseract::RIL_SYMBOL));
  }
  api_->Clear();
  return out;
}

}  // namespace anpr
