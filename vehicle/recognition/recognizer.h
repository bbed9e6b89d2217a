// Per-frame plate recognition: detect every plate, judge each proposal with
// the detector's rule and the learned plate classifier, rectify and
// normalise it, read it with Tesseract, fit it to the region's plate syntax. The result of
// one frame is a list of PlateObservation (vehicle/plate.h), best first; the
// tracker (vehicle/plate_tracker.h) turns a stream of them into reads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "vehicle/records/status.h"
#include "vehicle/recognition/plate.h"
#include "vehicle/recognition/plate_detector.h"
#include "vehicle/recognition/plate_reader.h"

namespace anpr {

class CharClassifier;
class LineReader;
class PlateClassifier;

struct RecognizerOptions {
  Region region = Region::kGb;
  DetectorOptions detector;
  ReaderOptions reader;
  // Detected regions read per frame, best detector score first: bounds the
  // time a cluttered frame can take.
  int max_reads_per_frame = 3;
  // Readings below this confidence (0-100), or with fewer characters, are
  // not reported.
  double min_confidence = 25;
  int min_chars = 3;
  // Character heights the plate is rescaled to before reading; each is read
  // and the readings are voted per character (more heights: slower, surer).
  std::vector<int> read_char_heights_px = {32};
  // Keep the rectified plate image in each observation.
  bool keep_patch = true;
  // Read each character blob with the project's own character classifier
  // (vehicle/char_classifier.h) too, as a second opinion beside Tesseract.
  // Without its model file the recognizer reads with Tesseract alone.
  bool use_char_classifier = true;
  // The classifier's model; empty: DefaultCharModelPath().
  std::string char_model_path;
  // Which reader reads each text line: Tesseract with the classifier (the
  // default), or the learned whole-line reader (vehicle/recognition/line_reader.h),
  // which reads the line's plate-shaped cut in one pass (no blob rules, no
  // second looks). vehicle/recognition/model/MODEL.md compares them.
  enum class LineReaderKind { kTesseract, kLearned };
  LineReaderKind line_reader = LineReaderKind::kTesseract;
  // The learned reader's model; empty: DefaultLineModelPath().
  std::string line_model_path;
  // Judge each detected region with the learned plate classifier
  // (vehicle/recognition/plate_classifier.h) as well as by the detector's
  // measure of its surroundings (PlateLikeness): the region's plateness is
  // the lower of the two (MODEL.md). Without its model file the recognizer
  // warns and judges by PlateLikeness alone.
  bool use_plate_classifier = true;
  // The classifier's model; empty: DefaultPlateClassifierModelPath().
  std::string plate_classifier_model_path;
};

// How PrepareLineForOcr cuts a line (see there).
struct LineCutOptions {
  // The ink/ground level is taken from the middle `level_band` (0-1] of the
  // cut's height: a cut made taller than the line for a second look keeps
  // the level of the line's own rows.
  float level_band = 1.0f;
  // Divide out uneven light first (a glare spot, a lamp's falloff), so that
  // characters in the bright part are as dark against their ground as the
  // rest. Used for a last look at a plate-like line read short: it also
  // lightens the dark surround, where a facade or a grille would then give
  // characters.
  bool flatten_light = false;
};

// Owns one detector and one Tesseract engine. Not thread-safe: use one
// Recognizer per worker thread.
class Recognizer {
 public:
  static Result<std::unique_ptr<Recognizer>> Create(const RecognizerOptions& options = {});
  ~Recognizer();

  // The plates in `frame` (BGR or grey), best confidence first. Each has its
  // text after syntax fixes, per-character choices, candidates, box and
  // corners in frame pixels.
  std::vector<PlateObservation> Recognize(const cv::Mat& frame);

  const RecognizerOptions& options() const { return options_; }

 private:
  Recognizer(const RecognizerOptions& options, std::unique_ptr<PlateReader> reader);
  // The characters of one line, read with its characters scaled to
  // `char_px` tall (`cut`: see PrepareLineForOcr).
  std::vector<CharChoice> ReadLine(const cv::Mat& frame, const cv::Mat& grey, const TextLine& line, int char_px,
                                   const LineCutOptions& cut = {});
  // The characters of every line of `region`, read at `char_px`.
  std::vector<CharChoice> ReadLines(const cv::Mat& frame, const cv::Mat& grey, const PlateRegion& region,
                                    int char_px);
  // Reads one detected region; false when nothing plate-like was read.
  bool ReadRegion(const cv::Mat& frame, const cv::Mat& grey, const PlateRegion& region,
                  PlateObservation* out);

  RecognizerOptions options_;
  PlateDetector detector_;
  std::unique_ptr<PlateReader> reader_;
  std::unique_ptr<CharClassifier> classifier_;  // null: Tesseract alone
  std::unique_ptr<LineReader> line_reader_;     // set: lines are read with it
  std::unique_ptr<PlateClassifier> plate_classifier_;  // null: the detector's plateness
};

// The plate-shaped cut of one text line the learned reader reads: the
// line's quadrilateral grown to about a plate's outline (BS AU 145e: 79 mm
// characters on a 111 mm plate, a character's margin at the ends), upright,
// at the frame's own resolution. BGR when `frame` is.
cv::Mat CutLineForLearnedReader(const cv::Mat& frame, const TextLine& line);

// Merges Tesseract's characters of one line (`tess`, with their `boxes`)
// with the classifier's reading of each kept blob (`blob_reads`, one per
// blob in `blobs`, empty for blobs too wide for one character): per blob
// with one Tesseract character the two opinions are weighed; a blob
// Tesseract read as several characters or missed is the classifier's when
// it is sure. Left to right.
std::vector<CharChoice> FuseWithClassifier(const std::vector<CharChoice>& tess, const std::vector<cv::Rect>& boxes,
                                           const std::vector<cv::Rect>& blobs,
                                           const std::vector<std::vector<std::pair<char, float>>>& blob_reads);

// Whole-reading alternatives from per-character choices: the fitted text
// first, then single-character substitutions, best first, at most `max`.
std::vector<PlateCandidate> MakeCandidates(const std::vector<CharChoice>& chars,
                                           const std::string& best_text, double best_confidence,
                                           Region region, int max);

// Cuts one text line out of the grey frame, upright, with characters
// `char_px` tall, contrast stretched and with a light border (Tesseract reads
// a line best with some quiet margin around it). Dark parts that are not
// character-shaped (border, frame, EU band, hyphen) or that are coloured in
// `colour` (the BGR frame; may be empty) are blanked out. When
// `char_boxes` is given it receives the character blobs kept, in the
// returned image's pixels, left to right.
cv::Mat PrepareLineForOcr(const cv::Mat& grey, const cv::Mat& colour, const TextLine& line, int char_px,
                          std::vector<cv::Rect>* char_boxes = nullptr, const LineCutOptions& cut = {});

// Votes several readings of one plate into one: the most common length
// wins, then each position's characters are weighed by confidence.
std::vector<CharChoice> CombineReadings(const std::vector<std::vector<CharChoice>>& readings);

// Confidence of a whole reading from its character confidences (0-100):
// weighs the weakest character, as one wrong character makes a wrong read.
double ReadingConfidence(const std::vector<float>& char_confidence);

}  // namespace anpr
