// Recognizer::ReadLine and ReadLines: the characters of one text line, with
// the second and third looks at a line read short (a taller cut, then the
// light evened out).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "vehicle/recognition/char_classifier.h"
#include "vehicle/recognition/line_reader.h"
#include "vehicle/recognition/recognizer.h"
#include "vehicle/recognition/src/plateness.h"

namespace anpr {
namespace {

using recognition_internal::kDoubtfulPlate;

// A line read short is read again from a cut this much taller, taken to
// hold characters this much taller than the detector measured.
constexpr float kTallerCut = 1.35f;
constexpr float kTallerChars = 1.15f;

// A blob at most this many character heights wide is one character.
constexpr float kSingleCharWidth = 1.3f;

// A plate's outline around its character row (BS AU 145e): 111 mm of plate
// for 79 mm characters, and about a third of a character height of margin
// at each end.
constexpr float kPlateToCharHeight = 111.0f / 79.0f;
constexpr float kEndMarginChars = 0.35f;

}  // namespace

cv::Mat CutLineForLearnedReader(const cv::Mat& frame, const TextLine& line) {
  const cv::Point2f mid_l = (line.corners[0] + line.corners[3]) * 0.5f;
  const cv::Point2f mid_r = (line.corners[1] + line.corners[2]) * 0.5f;
  const float length = float(cv::norm(mid_r - mid_l));
  if (length < 1) return {};
  const cv::Point2f along = (mid_r - mid_l) / length;
  const cv::Point2f end = along * (kEndMarginChars * line.char_height_px);
  std::array<cv::Point2f, 4> grown;
  for (int i = 0; i < 4; ++i) {
    const cv::Point2f& mid = (i == 0 || i == 3) ? mid_l : mid_r;
    const cv::Point2f& c = line.corners[size_t(i)];
    grown[size_t(i)] = mid + (c - mid) * kPlateToCharHeight + ((i == 0 || i == 3) ? -end : end);
  }
  const int w = std::max(8, int(std::lround(cv::norm(grown[1] - grown[0]))));
  const int h = std::max(4, int(std::lround(cv::norm(grown[3] - grown[0]))));
  const std::array<cv::Point2f, 4> dst = {cv::Point2f(0, 0), cv::Point2f(float(w), 0), cv::Point2f(float(w), float(h)),
                                          cv::Point2f(0, float(h))};
  cv::Mat m = cv::getPerspectiveTransform(grown.data(), dst.data());
  cv::Mat cut;
  cv::warpPerspective(frame, cut, m, cv::Size(w, h), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return cut;
}

std::vector<CharChoice> Recognizer::ReadLine(const cv::Mat& frame, const cv::Mat& grey, const TextLine& line,
                                             int char_px, const LineCutOptions& options) {
  std::vector<cv::Rect> blobs;
  cv::Mat cut = PrepareLineForOcr(grey, frame, line, char_px, &blobs, options);
  std::vector<cv::Rect> boxes;
  std::vector<CharChoice> part = reader_->ReadLine(cut, &boxes);
  // Keep only characters Tesseract placed on a character-like blob: what
  // it reads into the margin or between blobs is a border, band or seal.
  // (LSTM boxes are loose, so half an overlap is enough.)
  std::vector<CharChoice> kept;
  std::vector<cv::Rect> kept_boxes;
  for (size_t i = 0; i < part.size(); ++i) {
    bool on_blob = blobs.empty();
    if (i < boxes.size()) {
      for (const cv::Rect& b : blobs) {
        int overlap = std::min(b.x + b.width, boxes[i].x + boxes[i].width) - std::max(b.x, boxes[i].x);
        if (overlap >= std::min(b.width, boxes[i].width) / 3) { on_blob = true; break; }
      }
    }
    if (on_blob) {
      kept.push_back(std::move(part[i]));
      if (i < boxes.size()) kept_boxes.push_back(boxes[i]);
    }
  }
  if (classifier_ && !blobs.empty()) {
    // The classifier's reading of every blob one character wide.
    std::vector<std::vector<std::pair<char, float>>> reads(blobs.size());
    const cv::Rect all(0, 0, cut.cols, cut.rows);
    for (size_t j = 0; j < blobs.size(); ++j) {
      if (float(blobs[j].width) > kSingleCharWidth * float(char_px)) continue;
      cv::Rect r = cv::Rect(blobs[j].x - 1, blobs[j].y - 1, blobs[j].width + 2, blobs[j].height + 2) & all;
      if (r.area() > 0) reads[j] = classifier_->Classify(cut(r));
    }
    kept = FuseWithClassifier(kept, kept_boxes, blobs, reads);
  }
  return kept;
}

namespace {

// Whether a second reading of `again` characters is nearer the detector's
// `count` than the first one's `kept` (one that also took in the frame or
// small print is not).
bool Closer(size_t again, size_t kept, int count) {
  return std::abs(int(again) - count) < std::abs(int(kept) - count);
}

}  // namespace

std::vector<CharChoice> Recognizer::ReadLines(const cv::Mat& frame, const cv::Mat& grey,
                                              const PlateRegion& region, int char_px) {
  std::vector<CharChoice> chars;
  if (line_reader_) {
    for (const TextLine& line : region.lines) {
      LineReading reading = line_reader_->Read(CutLineForLearnedReader(frame, line));
      for (size_t i = 0; i < reading.text.size(); ++i) {
        chars.push_back({reading.text[i], 100.0f * reading.char_confidence[i], {}});
      }
    }
    return chars;
  }
  for (const TextLine& line : region.lines) {
    std::vector<CharChoice> kept = ReadLine(frame, grey, line, char_px);
    if (int(kept.size()) < line.char_count - 1) {
      // Two or more of the characters the detector separated were not read:
      // the detector's blobs of faint characters, or of characters touching
      // the plate's frame, are often short, so its line may clip them (and
      // the frame then takes their tops or bottoms with it). Read once more
      // with a taller cut; keep the reading nearer the detector's count.
      TextLine tall = line;
      const cv::Point2f mid_l = (line.corners[0] + line.corners[3]) * 0.5f;
      const cv::Point2f mid_r = (line.corners[1] + line.corners[2]) * 0.5f;
      tall.corners[0] = mid_l + (line.corners[0] - mid_l) * kTallerCut;
      tall.corners[3] = mid_l + (line.corners[3] - mid_l) * kTallerCut;
      tall.corners[1] = mid_r + (line.corners[1] - mid_r) * kTallerCut;
      tall.corners[2] = mid_r + (line.corners[2] - mid_r) * kTallerCut;
      tall.char_height_px = line.char_height_px * kTallerChars;
      LineCutOptions taller;
      taller.level_band = 1 / kTallerCut;
      std::vector<CharChoice> again = ReadLine(frame, grey, tall, char_px, taller);
      if (Closer(again.size(), kept.size(), line.char_count)) kept = std::move(again);
    }
    if (int(kept.size()) < line.char_count - 1 && region.plateness >= kDoubtfulPlate) {
      // Still short: characters under a glare spot, in a lamp's falloff or
      // faint beside a dark surround go with the ground at the cut's one
      // level. Once more with the light evened out - on a plate-like region only, since evening
      // out the light of a facade or a grille makes characters of it.
      LineCutOptions flat;
      flat.flatten_light = true;
      std::vector<CharChoice> again = ReadLine(frame, grey, line, char_px, flat);
      if (Closer(again.size(), kept.size(), line.char_count)) kept = std::move(again);
    }
    for (CharChoice& c : kept) chars.push_back(std::move(c));
  }
  return chars;
}

}  // namespace anpr
