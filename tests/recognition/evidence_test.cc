// The evidence pictures kept with a read (issue 13, item 4): the plate patch
// shows the whole plate, with a margin round the region that was read, and
// comes from an observation that shows what the pass was read as, inside
// the frame; never the most confident partial reading, never a plate cut by
// the frame's edge when a whole one was seen.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "capture/synth.h"
#include "vehicle/recognition/evidence_patch.h"
#include "vehicle/recognition/plate_syntax.h"
#include "vehicle/recognition/plate_tracker.h"
#include "vehicle/recognition/recognizer.h"

namespace anpr {
namespace {

// An observation of `text` whose patch is filled with `mark` (so the test can
// tell which observation's picture a read kept).
PlateObservation Seen(const std::string& text, double confidence, int mark, bool at_edge = false) {
  PlateObservation o;
  o.text = text;
  o.confidence = confidence;
  o.syntax = ClassifyPlate(text, Region::kGb);
  o.box = cv::Rect(600, 300, 140, 32);
  o.at_frame_edge = at_edge;
  for (char c : text) {
    CharChoice ch;
    ch.best = c;
    ch.confidence = 60;  // below the early-read bar: read when the plate leaves view
    o.chars.push_back(ch);
  }
  o.patch = cv::Mat(32, 140, CV_8UC3, cv::Scalar::all(mark));
  o.overview = cv::Mat(120, 200, CV_8UC3, cv::Scalar::all(mark));
  return o;
}

// Plays the observations 100 ms apart, then a second of empty frames.
std::vector<PassRead> Play(const std::vector<PlateObservation>& seen) {
  PlateTracker tracker(Region::kGb);
  std::vector<PassRead> out;
  int64_t t = 0;
  for (const PlateObservation& o : seen) {
    auto got = tracker.Update(t += 100, {o});
    out.insert(out.end(), got.begin(), got.end());
  }
  for (int i = 0; i < 10; ++i) {
    auto got = tracker.Update(t += 100, {});
    out.insert(out.end(), got.begin(), got.end());
  }
  return out;
}

int MarkOf(const cv::Mat& m) { return m.empty() ? -1 : int(m.at<cv::Vec3b>(0, 0)[0]); }

// The vote says NX22JCE; the most confident single frame read only "2JCE"
// (the plate half out of view) and another read it whole but at the frame's
// edge. The picture kept is the whole reading inside the frame.
TEST(ReadEvidence, PictureShowsTheVotedReadingInsideTheFrame) {
  const std::vector<PassRead> reads = Play({Seen("NX22JCE", 70, 10), Seen("NX22JCE", 72, 11), Seen("2JCE", 95, 20),
                                            Seen("NX22JCE", 90, 30, /*at_edge=*/true), Seen("NX22JCE", 71, 12)});
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0].vrm, "NX22JCE");
  EXPECT_EQ(MarkOf(reads[0].patch), 11) << "the most confident whole reading inside the frame";
  EXPECT_EQ(MarkOf(reads[0].overview), 11) << "the overview comes from the same frame as the patch";
}

// With no whole reading inside the frame, the nearest reading still gives a
// picture (an edge one beats none).
TEST(ReadEvidence, AnEdgePictureIsKeptWhenThereIsNoOther) {
  const std::vector<PassRead> reads =
      Play({Seen("NX22JCE", 70, 40, true), Seen("NX22JCE", 75, 41, true), Seen("2JCE", 95, 50)});
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0].vrm, "NX22JCE");
  EXPECT_EQ(MarkOf(reads[0].patch), 50) << "inside the frame wins, even read in part";
}

std::unique_ptr<Recognizer> PatchKeepingRecognizer() {
  RecognizerOptions options;
  options.region = Region::kGb;
  options.keep_patch = true;
  auto rec = Recognizer::Create(options);
  if (!rec.ok()) {
    ADD_FAILURE() << rec.status().ToString();
    return nullptr;
  }
  return std::move(rec.value());
}

// A plate in a frame: `left_px` is where its left edge lands (negative: part
// of it outside the frame).
cv::Mat FrameWithPlate(const cv::Mat& plate, int left_px) {
  cv::Mat frame(720, 1280, CV_8UC3, cv::Scalar(70, 75, 80));
  const cv::Rect want(left_px, 340, plate.cols, plate.rows);
  const cv::Rect inside = want & cv::Rect(0, 0, frame.cols, frame.rows);
  plate(cv::Rect(inside.x - want.x, inside.y - want.y, inside.width, inside.height)).copyTo(frame(inside));
  return frame;
}

// Column ranges of ink (dark pixels) across a plate image's middle row band,
// left to right: the first is the first character.
std::vector<std::pair<int, int>> InkRuns(const cv::Mat& plate_bgr) {
  cv::Mat grey;
  cv::cvtColor(plate_bgr, grey, cv::COLOR_BGR2GRAY);
  const cv::Mat band = grey.rowRange(grey.rows / 3, grey.rows * 2 / 3);
  std::vector<std::pair<int, int>> runs;
  for (int x = 0; x < band.cols; ++x) {
    bool ink = false;
    for (int y = 0; y < band.rows && !ink; ++y) ink = band.at<uchar>(y, x) < 100;
    if (ink && (runs.empty() || runs.back().second != x - 1)) runs.push_back({x, x});
    if (ink) runs.back().second = x;
  }
  return runs;
}

// The detector's region left out the plate's first character (it began in
// the gap after it): the evidence patch still shows that whole character,
// so the officer sees what the reading missed.
TEST(ReadEvidence, PatchShowsACharacterTheRegionLeftOut) {
  const cv::Mat plate = synth::RenderPlate({"AB12 CDE", synth::PlateStyle::kUkFront}, 36);
  const cv::Point at(500, 340);
  const cv::Mat frame = FrameWithPlate(plate, at.x);
  const auto runs = InkRuns(plate);
  ASSERT_GE(runs.size(), 7u);
  // From the gap after "A" to the end of "E", over the characters' height.
  const float x0 = float(at.x) + 0.5f * float(runs[0].second + runs[1].first);
  const float x1 = float(at.x + runs.back().second + 2);
  const float y0 = float(at.y) + 0.18f * float(plate.rows), y1 = float(at.y) + 0.82f * float(plate.rows);
  const cv::Mat patch = EvidencePatch(frame, {cv::Point2f(x0, y0), cv::Point2f(x1, y0), cv::Point2f(x1, y1),
                                              cv::Point2f(x0, y1)});
  ASSERT_FALSE(patch.empty());
  // The patch is drawn at the frame's scale: its characters are the plate's.
  const auto shown = InkRuns(patch);
  ASSERT_FALSE(shown.empty());
  const int first_px = runs[0].second - runs[0].first + 1, shown_px = shown[0].second - shown[0].first + 1;
  EXPECT_GE(shown_px, first_px * 9 / 10) << "the first character (" << first_px << " px of ink) is cut in the patch";
  EXPECT_GE(shown.size(), runs.size()) << "ink runs in the patch: a character is missing";
}

// A plate whose text runs off the frame's left edge is marked so.
TEST(ReadEvidence, TextRunningOffTheFrameIsMarked) {
  auto rec = PatchKeepingRecognizer();
  ASSERT_TRUE(rec);
  const cv::Mat plate = synth::RenderPlate({"AB12 CDE", synth::PlateStyle::kUkFront}, 36);
  const std::vector<PlateObservation> cut = rec->Recognize(FrameWithPlate(plate, -plate.cols / 6));
  ASSERT_FALSE(cut.empty()) << "the part of the plate in view is read";
  for (const PlateObservation& o : cut) {
    std::printf("cut plate read as %s, box x %d, at edge %d\n", o.text.c_str(), o.box.x, int(o.at_frame_edge));
    EXPECT_TRUE(o.at_frame_edge) << o.text << " at x " << o.box.x;
  }
  const std::vector<PlateObservation> whole = rec->Recognize(FrameWithPlate(plate, 1280 - plate.cols - 40));
  ASSERT_FALSE(whole.empty());
  for (const PlateObservation& o : whole) {
    EXPECT_FALSE(o.at_frame_edge) << o.text;
  }
}

}  // namespace
}  // namespace anpr
