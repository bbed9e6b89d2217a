#include "vehicle/recognizer.h"

#include <algorithm>
#include <numeric>

#include <opencv2/imgproc.hpp>

#include "vehicle/plate_syntax.h"

namespace anpr {
namespace {

// Cuts one text line out of the grey frame, upright, with characters
// `char_px` tall, contrast stretched and with a light border (Tesseract reads
// a line best with some quiet margin around it).
cv::Mat RectifyLine(const cv::Mat& grey, const TextLine& line, int char_px) {
  float len = float(cv::norm(line.corners[1] - line.corners[0]));
  float tall = float(cv::norm(line.corners[3] - line.corners[0]));
  float scale = float(char_px) / std::max(line.char_height_px, 1.0f);
  int w = std::max(8, int(std::lround(len * scale)));
  int h = std::max(8, int(std::lround(tall * scale)));
  std::array<cv::Point2f, 4> dst = {cv::Point2f(0, 0), cv::Point2f(float(w), 0),
                                    cv::Point2f(float(w), float(h)), cv::Point2f(0, float(h))};
  cv::Mat m = cv::getPerspectiveTransform(line.corners.data(), dst.data());
  cv::Mat cut;
  cv::warpPerspective(grey, cut, m, cv::Size(w, h), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  // Stretch between the darkest and lightest 2% so faint night or IR plates
  // read like day ones.
  int hist[256] = {0};
  for (int y = 0; y < cut.rows; ++y) {
    const uchar* p = cut.ptr<uchar>(y);
    for (int x = 0; x < cut.cols; ++x) ++hist[p[x]];
  }
  int total = cut.rows * cut.cols, lo = 0, hi = 255, acc = 0;
  for (; lo < 255; ++lo) {
    acc += hist[lo];
    if (acc > total / 50) break;
  }
  acc = 0;
  for (; hi > 0; --hi) {
    acc += hist[hi];
    if (acc > total / 50) break;
  }
  if (hi - lo < 16) hi = std::min(255, lo + 16);
  cut.convertTo(cut, CV_8U, 255.0 / (hi - lo), -lo * 255.0 / (hi - lo));
  cv::Mat padded;
  int pad = char_px / 3;
  cv::copyMakeBorder(cut, padded, pad, pad, pad, pad, cv::BORDER_CONSTANT, cv::Scalar(255));
  return padded;
}

}  // namespace

double ReadingConfidence(const std::vector<float>& char_confidence) {
  if (char_confidence.empty()) return 0;
  double sum = std::accumulate(char_confidence.begin(), char_confidence.end(), 0.0);
  double mean = sum / double(char_confidence.size());
  double low = *std::min_element(char_confidence.begin(), char_confidence.end());
  return 0.5 * mean + 0.5 * low;
}

std::vector<PlateCandidate> MakeCandidates(const std::vector<CharChoice>& chars,
                                           const std::string& best_text, double best_confidence,
                                           Region region, int max) {
  std::vector<PlateCandidate> out;
  out.push_back({best_text, best_confidence});
  if (chars.size() != best_text.size()) return out;
  struct Sub {
    size_t pos;
    char c;
    double conf;
  };
  std::vector<Sub> subs;
  for (size_t i = 0; i < chars.size(); ++i) {
    for (const auto& [c, conf] : chars[i].alternatives) {
      if (c == best_text[i]) continue;
      // Replacing one character: the reading is as sure as that alternative.
      subs.push_back({i, c, std::min<double>(best_confidence, conf)});
    }
    // The read character itself, when the syntax fit replaced it.
    if (chars[i].best != best_text[i]) {
      subs.push_back({i, chars[i].best, std::min<double>(best_confidence, chars[i].confidence * 0.5)});
    }
  }
  std::sort(subs.begin(), subs.end(), [](const Sub& a, const Sub& b) { return a.conf > b.conf; });
  for (const Sub& s : subs) {
    if (int(out.size()) >= max) break;
    std::string t = best_text;
    t[s.pos] = s.c;
    bool dup = std::any_of(out.begin(), out.end(), [&](const PlateCandidate& p) { return p.vrm == t; });
    if (dup) continue;
    // Prefer alternatives that are valid registrations.
    double conf = s.conf * (ClassifyPlate(t, region) == "none" ? 0.6 : 1.0);
    out.push_back({t, conf});
  }
  std::sort(out.begin() + 1, out.end(),
            [](const PlateCandidate& a, const PlateCandidate& b) { return a.confidence > b.confidence; });
  return out;
}

Recognizer::Recognizer(const RecognizerOptions& options, std::unique_ptr<PlateReader> reader)
    : options_(options), detector_(options.detector), reader_(std::move(reader)) {}

Result<std::unique_ptr<Recognizer>> Recognizer::Create(const RecognizerOptions& options) {
  auto reader = PlateReader::Create(options.reader);
  if (!reader.ok()) return reader.status();
  return std::unique_ptr<Recognizer>(new Recognizer(options, std::move(reader.value())));
}

bool Recognizer::ReadRegion(const cv::Mat& frame, const cv::Mat& grey, const PlateRegion& region,
                            PlateObservation* out) {
  std::vector<CharChoice> chars;
  for (const TextLine& line : region.lines) {
    cv::Mat cut = RectifyLine(grey, line, options_.read_char_height_px);
    std::vector<CharChoice> part = reader_->ReadLine(cut);
    chars.insert(chars.end(), part.begin(), part.end());
  }
  if (int(chars.size()) < options_.min_chars) return false;
  SyntaxFit fit = FitPlateSyntax(chars, options_.region);
  double confidence = ReadingConfidence(fit.char_confidence);
  if (confidence < options_.min_confidence) return false;
  out->text = fit.text;
  out->confidence = confidence;
  out->syntax = fit.syntax;
  out->chars = chars;
  for (size_t i = 0; i < out->chars.size() && i < fit.text.size(); ++i) {
    CharChoice& c = out->chars[i];
    if (c.best != fit.text[i]) {
      // Keep what the OCR saw as an alternative of the fixed character.
      std::vector<std::pair<char, float>> alts;
      alts.reserve(c.alternatives.size() + 1);
      alts.emplace_back(c.best, c.confidence);
      for (const auto& a : c.alternatives) {
        if (a.first != fit.text[i]) alts.push_back(a);
      }
      c.alternatives = std::move(alts);
      c.best = fit.text[i];
    }
    c.confidence = fit.char_confidence[i];
  }
  std::vector<PlateCandidate> cands = MakeCandidates(chars, fit.text, confidence, options_.region, 5);
  out->candidates.assign(cands.begin() + 1, cands.end());
  out->corners = region.corners;
  out->box = region.box;
  if (options_.keep_patch) {
    float w = float(cv::norm(region.corners[1] - region.corners[0]));
    float h = float(cv::norm(region.corners[3] - region.corners[0]));
    int pw = std::max(8, int(w)), ph = std::max(8, int(h));
    std::array<cv::Point2f, 4> dst = {cv::Point2f(0, 0), cv::Point2f(float(pw), 0),
                                      cv::Point2f(float(pw), float(ph)), cv::Point2f(0, float(ph))};
    cv::Mat m = cv::getPerspectiveTransform(region.corners.data(), dst.data());
    cv::warpPerspective(frame, out->patch, m, cv::Size(pw, ph), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  }
  return true;
}

std::vector<PlateObservation> Recognizer::Recognize(const cv::Mat& frame) {
  std::vector<PlateObservation> out;
  if (frame.empty()) return out;
  cv::Mat grey;
  if (frame.channels() == 3) {
    cv::cvtColor(frame, grey, cv::COLOR_BGR2GRAY);
  } else if (frame.channels() == 4) {
    cv::cvtColor(frame, grey, cv::COLOR_BGRA2GRAY);
  } else {
    grey = frame;
  }
  std::vector<PlateRegion> regions = detector_.Detect(grey);
  int reads = 0;
  for (const PlateRegion& r : regions) {
    if (reads >= options_.max_reads_per_frame) break;
    ++reads;
    PlateObservation obs;
    if (ReadRegion(frame, grey, r, &obs)) out.push_back(std::move(obs));
  }
  std::sort(out.begin(), out.end(), [](const PlateObservation& a, const PlateObservation& b) {
    return a.confidence > b.confidence;
  });
  return out;
}

}  // namespace anpr
