// The Recognizer itself: one frame's regions from the detector, judged
// (plateness: the detector's rule and the plate classifier), each read
// (src/line_reading.cc), voted (src/reading_candidates.cc) and fitted to the
// region's plate syntax.
#include "vehicle/recognition/recognizer.h"

#include <algorithm>
#include <array>

#include <opencv2/imgproc.hpp>

#include <spdlog/spdlog.h>

#include "vehicle/recognition/char_classifier.h"
#include "vehicle/recognition/evidence_patch.h"
#include "vehicle/recognition/line_reader.h"
#include "vehicle/recognition/plate_classifier.h"
#include "vehicle/recognition/plate_syntax.h"
#include "vehicle/recognition/src/grey.h"
#include "vehicle/recognition/src/plateness.h"

namespace anpr {
namespace {

// No registration (GB or European, one or two lines) has more characters;
// a longer reading is other text (a sign, a van's livery).
constexpr size_t kMaxPlateChars = 10;

// A region corner this close to the frame's border (pixels) may have part of
// the plate outside the picture.
constexpr float kFrameEdgePx = 2.0f;

}  // namespace

using recognition_internal::kDoubtfulConfidence;
using recognition_internal::kDoubtfulPlate;
using recognition_internal::kNotAPlate;

Recognizer::Recognizer(const RecognizerOptions& options, std::unique_ptr<PlateReader> reader)
    : options_(options), detector_(options.detector), reader_(std::move(reader)) {}

Recognizer::~Recognizer() = default;

Result<std::unique_ptr<Recognizer>> Recognizer::Create(const RecognizerOptions& options) {
  auto reader = PlateReader::Create(options.reader);
  if (!reader.ok()) return reader.status();
  std::unique_ptr<Recognizer> rec(new Recognizer(options, std::move(reader.value())));
  if (options.use_char_classifier) {
    std::string path = options.char_model_path.empty() ? DefaultCharModelPath() : options.char_model_path;
    auto classifier = CharClassifier::Load(path);
    if (classifier.ok()) {
      rec->classifier_ = std::move(classifier.value());
    } else {
      spdlog::warn("recognizer: {}; reading with Tesseract alone", classifier.status().message());
    }
  }
  if (options.use_plate_classifier) {
    const std::string path = options.plate_classifier_model_path.empty() ? DefaultPlateClassifierModelPath()
                                                                         : options.plate_classifier_model_path;
    auto plate_classifier = PlateClassifier::Load(path);
    if (plate_classifier.ok()) {
      rec->plate_classifier_ = std::move(plate_classifier.value());
    } else {
      spdlog::warn("recognizer: {}; telling plates from other text by their surroundings alone",
                   plate_classifier.status().message());
    }
  }
  if (options.line_reader == RecognizerOptions::LineReaderKind::kLearned) {
    // Asked for by name: a missing model is an error, not a quiet fallback.
    auto line_reader =
        LineReader::Load(options.line_model_path.empty() ? DefaultLineModelPath() : options.line_model_path);
    if (!line_reader.ok()) return line_reader.status();
    rec->line_reader_ = std::move(line_reader.value());
  }
  return rec;
}
bool Recognizer::ReadRegion(const cv::Mat& frame, const cv::Mat& grey, const PlateRegion& region,
                            PlateObservation* out) {
  std::vector<std::vector<CharChoice>> readings;
  for (int char_px : options_.read_char_heights_px) readings.push_back(ReadLines(frame, grey, region, char_px));
  std::vector<CharChoice> chars = CombineReadings(readings);
  if (int(chars.size()) < options_.min_chars || chars.size() > kMaxPlateChars) return false;
  // The reading as read and one character shorter (a border, screw or
  // band read as a character): the one the region's syntax supports.
  std::vector<LengthVariant> variants =
      FitLengthVariants(chars, options_.region, size_t(std::max(options_.min_chars, 1)), &ReadingConfidence);
  const bool doubtful = region.plateness < kDoubtfulPlate;
  if (doubtful) {
    // A doubtful region gets less benefit of the doubt: a character may be
    // dropped only at an end (a seal or screw beside the plate), never from
    // the middle until sign text fits a format (M1NO -> M10).
    const int last = int(chars.size()) - 1;
    const int d = variants[0].dropped;
    for (size_t i = 0; d > 0 && d < last && i < variants.size(); ++i) {
      if (variants[i].dropped < 0) {
        std::rotate(variants.begin(), variants.begin() + long(i), variants.begin() + long(i) + 1);
        break;
      }
    }
  }
  chars = variants[0].chars;
  SyntaxFit fit = variants[0].fit;
  double confidence = ReadingConfidence(fit.char_confidence);
  if (doubtful) {
    // Text on an open light field (a van's side, a sign board) that reads
    // as no registration is that text, not a plate.
    if (fit.syntax == "none") return false;
    confidence *= kDoubtfulConfidence;
  }
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
    c.confidence = fit.char_confidence[i] * float(doubtful ? kDoubtfulConfidence : 1.0);
  }
  std::vector<PlateCandidate> cands = MakeCandidates(chars, fit.text, confidence, options_.region, 5);
  // The other lengths stay as candidates (for 'similar' hotlist matches),
  // after the single-character substitutions, while there is room; ones
  // fitting a format first.
  std::stable_sort(variants.begin() + 1, variants.end(),
                   [](const LengthVariant& a, const LengthVariant& b) { return a.matches > b.matches; });
  for (size_t v = 1; v < variants.size() && cands.size() < 5; ++v) {
    const std::string& t = variants[v].fit.text;
    if (t.empty()) continue;
    bool dup = std::any_of(cands.begin(), cands.end(), [&](const PlateCandidate& p) { return p.vrm == t; });
    if (dup) continue;
    double c = std::min(confidence, variants[v].confidence) * (variants[v].matches ? 0.8 : 0.5);
    cands.push_back({t, c});
  }
  std::sort(cands.begin() + 1, cands.end(),
            [](const PlateCandidate& a, const PlateCandidate& b) { return a.confidence > b.confidence; });
  out->candidates.assign(cands.begin() + 1, cands.end());
  out->corners = region.corners;
  out->box = region.box;
  out->at_frame_edge = std::any_of(region.corners.begin(), region.corners.end(), [&](const cv::Point2f& c) {
    return c.x < kFrameEdgePx || c.y < kFrameEdgePx || c.x > float(frame.cols) - kFrameEdgePx ||
           c.y > float(frame.rows) - kFrameEdgePx;
  });
  if (options_.keep_patch) out->patch = EvidencePatch(frame, region.corners);
  return true;
}

std::vector<PlateObservation> Recognizer::Recognize(const cv::Mat& frame) {
  std::vector<PlateObservation> out;
  if (frame.empty()) return out;
  cv::Mat grey = recognition_internal::ToGrey(frame);
  std::vector<PlateRegion> regions = detector_.Detect(grey);
  if (plate_classifier_) {
    // Two judges: a region is as plate-like as the less convinced of the
    // detector's measure of its surroundings and the learned classifier,
    // so either one sure that it is not a plate keeps it from being read.
    // Best first again.
    std::vector<cv::Mat> cuts;
    cuts.reserve(regions.size());
    for (const PlateRegion& r : regions) cuts.push_back(CutRegionForClassifier(frame, r));
    const std::vector<double> p = plate_classifier_->PlateProbabilities(cuts);
    for (size_t i = 0; i < regions.size(); ++i) regions[i].plateness = std::min(regions[i].plateness, p[i]);
    std::stable_sort(regions.begin(), regions.end(), [](const PlateRegion& a, const PlateRegion& b) {
      if (a.plateness != b.plateness) return a.plateness > b.plateness;
      return a.score > b.score;
    });
  }
  int reads = 0;
  for (const PlateRegion& r : regions) {
    if (reads >= options_.max_reads_per_frame) break;
    // Not a plate by its surroundings (no light ground round the row, or
    // no contrast): not read, and not counted against the frame's reads.
    if (r.plateness < kNotAPlate) continue;
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
