// The learned plate classifier (vehicle/recognition/plate_classifier.h): the
// committed model loads through OpenCV's ONNX importer and tells plates from
// other text in proposals of generated scenes it was never trained on (set
// 1, see vehicle/recognition/region_samples.h); the cut and the input
// preparation hold their contracts; a missing model is reported and the
// recognizer still reads. The accuracy bounds sit a little below the figures
// measured in MODEL.md, so a broken model or a changed input fails and
// noise does not.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <iostream>
#include <string>

#include <opencv2/imgproc.hpp>

#include "capture/synth.h"
#include "vehicle/recognition/plate_classifier.h"
#include "vehicle/recognition/plate_detector.h"
#include "vehicle/recognition/plate_tracker.h"
#include "vehicle/recognition/recognizer.h"
#include "vehicle/recognition/region_samples.h"

namespace anpr {
namespace {

// Held-out scenes the test reads (set 1, from index 0): about four
// proposals each.
constexpr int kHeldOutScenes = 60;
// Below the figures measured on set 1 (MODEL.md): plates kept at the
// recognizer's "not a plate" bar, and others judged not sure plates.
constexpr double kMinPlatesKeptPct = 97.0;
constexpr double kMinOthersDoubtfulPct = 93.0;

// A yellow rear plate on a dark vehicle body, and the detector's region of it.
struct PlateOnBody {
  cv::Mat frame;
  cv::Rect plate_px;
  PlateRegion region;
};

PlateOnBody MakePlateOnBody() {
  PlateOnBody out;
  const cv::Mat plate = synth::RenderPlate({"AB12 CDE", synth::PlateStyle::kUkRear}, 24);
  out.frame = cv::Mat(360, 640, CV_8UC3, cv::Scalar(70, 40, 30));  // a dark blue body
  out.plate_px = cv::Rect(160, 150, plate.cols, plate.rows);
  plate.copyTo(out.frame(out.plate_px));
  const std::vector<PlateRegion> found = PlateDetector().Detect(out.frame);
  if (!found.empty()) out.region = found.front();
  return out;
}

double MaxAbsDiff(const cv::Mat& a, const cv::Mat& b) {
  return cv::norm(a.reshape(1, 1), b.reshape(1, 1), cv::NORM_INF);
}

// The model sees the look window of the cut in grey, standardised: the
// same plate under another exposure or ground colour gives the same input,
// and what lies outside the window does not count.
TEST(PlateClassifierInput, IsTheLookWindowInGreyStandardised) {
  const cv::Rect look = RegionLookWindow();
  ASSERT_TRUE((cv::Rect(0, 0, kRegionInputWidthPx, kRegionInputHeightPx) & look) == look);
  ASSERT_LT(look.area(), kRegionInputWidthPx * kRegionInputHeightPx);
  cv::Mat cut(kRegionInputHeightPx, kRegionInputWidthPx, CV_8UC3, cv::Scalar(40, 40, 40));
  cut(look).setTo(cv::Scalar(200, 200, 200));
  cv::putText(cut, "AB12", look.tl() + cv::Point(4, look.height - 4), cv::FONT_HERSHEY_SIMPLEX, 0.5,
              cv::Scalar(20, 20, 20), 2);
  const cv::Mat blob = RegionInputBlob(cut);
  ASSERT_EQ(blob.dims, 4);
  EXPECT_EQ(blob.size[0], 1);
  EXPECT_EQ(blob.size[1], 1);
  EXPECT_EQ(blob.size[2], kRegionInputHeightPx);
  EXPECT_EQ(blob.size[3], kRegionInputWidthPx);
  const cv::Mat plane(kRegionInputHeightPx, kRegionInputWidthPx, CV_32F, const_cast<float*>(blob.ptr<float>()));
  cv::Scalar mean, stddev;
  cv::meanStdDev(plane, mean, stddev);
  EXPECT_NEAR(mean[0], 0.0, 1e-3);
  EXPECT_NEAR(stddev[0], 1.0, 1e-3);
  // Darker, less contrasty: the same input, to within rounding.
  cv::Mat dim;
  cut.convertTo(dim, -1, 0.5, 10);
  EXPECT_LT(MaxAbsDiff(RegionInputBlob(dim), blob), 0.1);
  // Outside the window: anything.
  cv::Mat cluttered = cut.clone();
  cv::randu(cluttered.rowRange(0, look.y), cv::Scalar::all(0), cv::Scalar::all(255));
  cv::randu(cluttered.colRange(0, look.x), cv::Scalar::all(0), cv::Scalar::all(255));
  EXPECT_LT(MaxAbsDiff(RegionInputBlob(cluttered), blob), 1e-5);
}

// The cut holds the plate in its middle and the vehicle round it, at the
// model's size, whatever the frame's size and channels.
TEST(PlateClassifierCut, HoldsThePlateWithItsSurroundings) {
  const PlateOnBody s = MakePlateOnBody();
  ASSERT_FALSE(s.region.lines.empty()) << "the detector found no plate";
  for (const cv::Mat& frame : {s.frame, [&] {
         cv::Mat grey;
         cv::cvtColor(s.frame, grey, cv::COLOR_BGR2GRAY);
         return grey;
       }()}) {
    const cv::Mat cut = CutRegionForClassifier(frame, s.region);
    ASSERT_EQ(cut.size(), cv::Size(kRegionInputWidthPx, kRegionInputHeightPx));
    ASSERT_EQ(cut.type(), CV_8UC3);
    // The top rows are the body above the plate, the middle the plate's
    // light ground between its characters.
    const cv::Scalar top = cv::mean(cut.rowRange(0, 3));
    const cv::Scalar middle = cv::mean(cut(cv::Rect(kRegionInputWidthPx / 4, kRegionInputHeightPx / 3,
                                                    kRegionInputWidthPx / 2, kRegionInputHeightPx / 3)));
    EXPECT_LT(top[0] + top[1] + top[2], 300) << "channels " << frame.channels();
    EXPECT_GT(middle[1] + middle[2], top[1] + top[2] + 150) << "channels " << frame.channels();
  }
  // A region with no outline (all corners at one point) still gives a cut.
  PlateRegion empty;
  EXPECT_EQ(CutRegionForClassifier(s.frame, empty).size(), cv::Size(kRegionInputWidthPx, kRegionInputHeightPx));
}

TEST(PlateClassifier, MissingOrBrokenModelIsReported) {
  auto missing = PlateClassifier::Load("/nonexistent/plate_classifier.onnx");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  const std::string garbled = ::testing::TempDir() + "garbled_plate_classifier.onnx";
  {
    std::ofstream f(garbled, std::ios::binary);
    f << "not a model, a cut-short download";
  }
  auto broken = PlateClassifier::Load(garbled);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(broken.status().message().find(garbled), std::string::npos) << broken.status().message();
}

// Proposals of generated scenes never trained on: plates are kept and
// other text (signs, liveries, phone numbers), windows and grilles are not
// taken for sure plates.
TEST(PlateClassifier, TellsHeldOutPlatesFromOtherText) {
  auto classifier = PlateClassifier::Load(DefaultPlateClassifierModelPath());
  ASSERT_TRUE(classifier.ok()) << classifier.status().message();
  int plates = 0, kept = 0, others = 0, doubtful = 0;
  for (int i = 0; i < kHeldOutScenes; ++i) {
    for (const RegionSample& s : MakeSynthRegionSamples(RegionSampleSeed(1, i))) {
      const double p = classifier.value()->PlateProbability(s.cut);
      ASSERT_GE(p, 0.0);
      ASSERT_LE(p, 1.0);
      if (s.plate) {
        ++plates;
        kept += p >= 0.2;
      } else {
        ++others;
        doubtful += p < 0.5;
      }
    }
  }
  ASSERT_GE(plates, kHeldOutScenes / 2);
  // One pass over a scene's proposals gives what one pass each gives.
  const std::vector<RegionSample> scene = MakeSynthRegionSamples(RegionSampleSeed(1, 0));
  std::vector<cv::Mat> cuts;
  for (const RegionSample& s : scene) cuts.push_back(s.cut);
  cuts.push_back(cv::Mat());  // an empty cut is not a plate
  const std::vector<double> batch = classifier.value()->PlateProbabilities(cuts);
  ASSERT_EQ(batch.size(), cuts.size());
  for (size_t i = 0; i + 1 < cuts.size(); ++i) {
    EXPECT_NEAR(batch[i], classifier.value()->PlateProbability(cuts[i]), 1e-4) << "proposal " << i;
  }
  EXPECT_EQ(batch.back(), 0.0);
  ASSERT_GE(others, kHeldOutScenes);
  const double kept_pct = 100.0 * kept / plates, doubtful_pct = 100.0 * doubtful / others;
  std::cout << "held-out proposals: " << kept << "/" << plates << " plates kept, " << doubtful << "/" << others
            << " others not sure plates\n";
  EXPECT_GE(kept_pct, kMinPlatesKeptPct);
  EXPECT_GE(doubtful_pct, kMinOthersDoubtfulPct);
}

// Without the classifier's model the recognizer says so and still reads
// the plate (by the detector's measure of its surroundings).
TEST(PlateClassifier, RecognizerWithoutTheModelStillReads) {
  RecognizerOptions options;
  options.use_plate_classifier = true;
  options.plate_classifier_model_path = "/nonexistent/plate_classifier.onnx";
  auto rec = Recognizer::Create(options);
  ASSERT_TRUE(rec.ok()) << rec.status().message();
  const PlateOnBody s = MakePlateOnBody();
  const auto obs = rec.value()->Recognize(s.frame);
  ASSERT_FALSE(obs.empty());
  EXPECT_EQ(obs[0].text, "AB12CDE");
}

// Every read of `drive` through a recognizer and a tracker, in order.
std::vector<PassRead> ReadDrive(const synth::DriveBy& drive, Recognizer& rec) {
  PlateTracker tracker(Region::kGb);
  std::vector<PassRead> reads;
  for (int i = 0; i < drive.frame_count(); ++i) {
    synth::DriveByFrame f = drive.Frame(i);
    auto got = tracker.Update(f.t_ms, rec.Recognize(f.image));
    reads.insert(reads.end(), got.begin(), got.end());
  }
  auto rest = tracker.Flush();
  reads.insert(reads.end(), rest.begin(), rest.end());
  return reads;
}

// Drive-bys past shop and road signs, as the unit's synthetic cameras and
// `drive_trace` draw them (1280x720, 15 fps, six random vehicles), read by
// the default recognizer: every vehicle is read once and the signs not at
// all. With the detector's rule alone (before the classifier), drive 604
// reads "1TA" and "N0Y" and drive 609 "N0Y" (road and shop signs). These
// drives are of the held-out drives 600-619, where the classifier removes
// all six sign reads; on other drives some remain (README, Recognition).
TEST(PlateClassifier, SignsBesideTheRoadAreNotRead) {
  RecognizerOptions options;
  options.keep_patch = false;
  auto made = Recognizer::Create(options);
  ASSERT_TRUE(made.ok()) << made.status().message();
  Recognizer* rec = made.value().get();
  for (uint64_t seed : {604u, 609u}) {
    synth::DriveByOptions o;
    o.random_vehicles = 6;
    const synth::DriveBy drive(seed, o);
    std::map<std::string, int> count;
    std::string log;
    for (const PassRead& r : ReadDrive(drive, *rec)) {
      ++count[r.vrm];
      log += " " + r.vrm;
    }
    std::set<std::string> plates(drive.pass_plates().begin(), drive.pass_plates().end());
    for (const std::string& plate : drive.pass_plates()) {
      EXPECT_EQ(count[plate], 1) << "drive " << seed << ": " << plate << " should be read once; reads:" << log;
    }
    for (const auto& read : count) {
      EXPECT_TRUE(plates.count(read.first)) << "drive " << seed << ": " << read.first << " is no vehicle's; reads:"
                                            << log;
    }
  }
}

}  // namespace
}  // namespace anpr
