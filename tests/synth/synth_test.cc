// The synthetic generator: deterministic pixels, the legal plate geometry
// measured on rendered plates, ground truth that matches the pixels, drive-by
// passes and the video file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include <unistd.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "capture/synth.h"

namespace anpr::synth {
namespace {

uint64_t Hash(const cv::Mat& m) {
  cv::Mat c = m.isContinuous() ? m : m.clone();
  uint64_t h = 1469598103934665603ull;
  const uchar* p = c.ptr<uchar>();
  size_t n = c.total() * c.elemSize();
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h ^ (static_cast<uint64_t>(c.rows) << 32) ^ static_cast<uint64_t>(c.cols);
}

// Yellow of a UK rear plate as it comes out of a day scene.
cv::Mat YellowMask(const cv::Mat& bgr) {
  cv::Mat mask;
  cv::inRange(bgr, cv::Scalar(0, 140, 180), cv::Scalar(110, 255, 255), mask);
  return mask;
}

// Runs of consecutive true entries: (start, length).
std::vector<std::pair<int, int>> Runs(const std::vector<bool>& v) {
  std::vector<std::pair<int, int>> runs;
  for (int i = 0; i < static_cast<int>(v.size());) {
    if (!v[static_cast<size_t>(i)]) { ++i; continue; }
    int j = i;
    while (j < static_cast<int>(v.size()) && v[static_cast<size_t>(j)]) ++j;
    runs.push_back({i, j - i});
    i = j;
  }
  return runs;
}

std::vector<bool> InkColumns(const cv::Mat& plate, int row0, int row1) {
  cv::Mat grey;
  cv::cvtColor(plate, grey, cv::COLOR_BGR2GRAY);
  std::vector<bool> cols(static_cast<size_t>(grey.cols), false);
  for (int y = row0; y < row1; ++y) {
    for (int x = 0; x < grey.cols; ++x) {
      if (grey.at<uchar>(y, x) < 100) cols[static_cast<size_t>(x)] = true;
    }
  }
  return cols;
}

std::vector<bool> InkRows(const cv::Mat& plate) {
  cv::Mat grey;
  cv::cvtColor(plate, grey, cv::COLOR_BGR2GRAY);
  std::vector<bool> rows(static_cast<size_t>(grey.rows), false);
  for (int y = 0; y < grey.rows; ++y) {
    for (int x = 0; x < grey.cols; ++x) {
      if (grey.at<uchar>(y, x) < 100) rows[static_cast<size_t>(y)] = true;
    }
  }
  return rows;
}

TEST(RandomUkPlate, CurrentFormatWithIssuedLettersOnly) {
  std::mt19937_64 rng(42);
  // Region letter, local letter, age identifier (02-26 March, 51-76
  // September), space, three random letters; never I, Q or Z.
  const std::regex kCurrent(
      "^[ABCDEFGHKLMNOPRSVWY][A-HJ-PR-Y](0[2-9]|1[0-9]|2[0-6]|5[1-9]|6[0-9]|7[0-6]) [A-HJ-PR-Y]{3}$");
  std::set<std::string> seen;
  std::set<char> first_letters;
  for (int i = 0; i < 3000; ++i) {
    std::string p = RandomUkPlate(rng);
    ASSERT_TRUE(std::regex_match(p, kCurrent)) << p;
    seen.insert(p);
    first_letters.insert(p[0]);
  }
  EXPECT_GT(seen.size(), 2990u);             // random, not a short cycle
  EXPECT_EQ(first_letters.size(), 19u);      // every region letter comes up
  std::mt19937_64 a(7), b(7);
  EXPECT_EQ(RandomUkPlate(a), RandomUkPlate(b));
}

TEST(RenderPlate, SpacingAndGroupGapFollowTheStandard) {
  // 2 px per mm: characters 158 px tall.
  const double ppm = 2.0;
  for (PlateStyle style : {PlateStyle::kUkFront, PlateStyle::kUkRear}) {
    cv::Mat plate = RenderPlate({"HK52 WXA", style, false}, 158);
    EXPECT_NEAR(plate.cols, 520 * ppm, 1);
    EXPECT_NEAR(plate.rows, 111 * ppm, 1);
    auto runs = Runs(InkColumns(plate, 0, plate.rows));
    ASSERT_EQ(runs.size(), 7u);
    for (const auto& r : runs) EXPECT_NEAR(r.second, 50 * ppm, 2) << "character width";
    for (size_t i = 1; i < runs.size(); ++i) {
      int gap = runs[i].first - (runs[i - 1].first + runs[i - 1].second);
      double expected = (i == 4) ? 33 : 11;
      EXPECT_NEAR(gap, expected * ppm, 2) << "gap before character " << i;
    }
    // Text centred: (520 - 438) / 2 = 41 mm each side.
    EXPECT_NEAR(runs.front().first, 41 * ppm, 2);
    EXPECT_NEAR(plate.cols - (runs.back().first + runs.back().second), 41 * ppm, 2);
    auto rows = Runs(InkRows(plate));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_NEAR(rows[0].second, 79 * ppm, 2);
    EXPECT_NEAR(rows[0].first, 16 * ppm, 2);
  }
}

TEST(RenderPlate, ProportionsHoldAtSmallSizes) {
  // 24 px characters: a plate about 158 px wide.
  const int char_px = 24;
  const double ppm = char_px / 79.0;
  cv::Mat plate = RenderPlate({"BD58 XKR", PlateStyle::kUkRear, false}, char_px);
  auto runs = Runs(InkColumns(plate, 0, plate.rows));
  ASSERT_EQ(runs.size(), 7u);
  int gap_small = runs[1].first - (runs[0].first + runs[0].second);
  int gap_group = runs[4].first - (runs[3].first + runs[3].second);
  EXPECT_NEAR(gap_small, 11 * ppm, 1.5);
  EXPECT_NEAR(gap_group, 33 * ppm, 1.5);
  EXPECT_GT(gap_group, 2 * gap_small);
  // Character pitch (61 mm) from first to fourth character.
  EXPECT_NEAR(runs[3].first - runs[0].first, 3 * 61 * ppm, 1.5);
}

TEST(RenderPlate, SupplierMarkStaysInTheBottomMargin) {
  const double ppm = 2.0;
  PlateSpec spec{"HK52 WXA", PlateStyle::kUkRear, false};
  spec.supplier_mark = true;
  cv::Mat plate = RenderPlate(spec, 158);
  cv::Mat plain = RenderPlate({"HK52 WXA", PlateStyle::kUkRear, false}, 158);
  cv::Mat diff;
  cv::absdiff(plate, plain, diff);
  cv::Mat changed;
  cv::cvtColor(diff, changed, cv::COLOR_BGR2GRAY);
  std::vector<cv::Point> where;
  cv::findNonZero(changed > 30, where);
  ASSERT_FALSE(where.empty());
  cv::Rect r = cv::boundingRect(where);
  EXPECT_GE(r.y, (16 + 79) * ppm);       // below the characters
  EXPECT_LE(r.y + r.height, 111 * ppm);  // on the plate
  EXPECT_LE(r.height, 7 * ppm);          // small print
}

TEST(RenderPlate, ColoursBandAndTwoLine) {
  cv::Mat rear = RenderPlate({"AB12 CDE", PlateStyle::kUkRear, false}, 40);
  cv::Mat front = RenderPlate({"AB12 CDE", PlateStyle::kUkFront, false}, 40);
  cv::Vec3b y = rear.at<cv::Vec3b>(2, 2), w = front.at<cv::Vec3b>(2, 2);
  EXPECT_LT(y[0], 60);   // yellow: little blue
  EXPECT_GT(y[2], 220);
  EXPECT_GT(w[0], 220);  // white
  EXPECT_GT(w[2], 220);

  // EU: a blue band 50 mm wide on the left, characters clear of it.
  const double ppm = 80 / 79.0;
  cv::Mat eu = RenderPlate({"AB12 CDE", PlateStyle::kEu, false}, 80);
  cv::Vec3b band = eu.at<cv::Vec3b>(eu.rows / 2, static_cast<int>(45 * ppm));
  EXPECT_GT(band[0], 120);
  EXPECT_LT(band[2], 40);
  const int band_px = static_cast<int>(std::lround(50 * ppm));
  EXPECT_GT(eu.at<cv::Vec3b>(eu.rows / 2, band_px + 3)[2], 200);  // white just after the band
  cv::Mat text_area = eu(cv::Rect(band_px, 0, eu.cols - band_px, eu.rows));
  auto runs = Runs(InkColumns(text_area, 0, eu.rows));
  ASSERT_EQ(runs.size(), 7u);
  EXPECT_GE(runs.front().first, 11 * ppm - 1);  // at least the 11 mm margin
  EXPECT_NEAR(runs.front().first, text_area.cols - (runs.back().first + runs.back().second), 2);

  // Two lines: "AB12" over "CDE", rows 79 mm tall with 19 mm between.
  cv::Mat sq = RenderPlate({"AB12 CDE", PlateStyle::kUkRear, true}, 79);
  EXPECT_NEAR(sq.cols, 279, 1);
  EXPECT_NEAR(sq.rows, 203, 1);
  auto rows = Runs(InkRows(sq));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NEAR(rows[0].second, 79, 2);
  EXPECT_NEAR(rows[1].second, 79, 2);
  EXPECT_NEAR(rows[1].first - (rows[0].first + rows[0].second), 19, 2);
  EXPECT_EQ(Runs(InkColumns(sq, rows[0].first, rows[0].first + rows[0].second)).size(), 4u);
  EXPECT_EQ(Runs(InkColumns(sq, rows[1].first, rows[1].first + rows[1].second)).size(), 3u);
}

TEST(MakeScene, SameSeedSamePixelsOtherSeedOtherPixels) {
  SceneOptions o;
  o.noise_sigma = 4;
  o.blur_sigma_px = 0.8;
  o.glare = true;
  Scene a = MakeScene(99, o);
  Scene b = MakeScene(99, o);
  Scene c = MakeScene(100, o);
  ASSERT_EQ(a.image.size(), cv::Size(1280, 720));
  EXPECT_EQ(Hash(a.image), Hash(b.image));
  EXPECT_NE(Hash(a.image), Hash(c.image));
  ASSERT_EQ(a.plates.size(), 1u);
  EXPECT_EQ(a.plates[0].text, b.plates[0].text);
  EXPECT_EQ(a.plates[0].box, b.plates[0].box);
  for (Lighting l : {Lighting::kNight, Lighting::kInfrared}) {
    o.lighting = l;
    EXPECT_EQ(Hash(MakeScene(5, o).image), Hash(MakeScene(5, o).image));
  }
}

TEST(MakeScene, TruthBoxHoldsTheYellowPlate) {
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    SceneOptions o;
    o.width_px = 960;
    o.height_px = 540;
    std::vector<PlateSpec> specs = {{"AB12 CDE", PlateStyle::kUkRear, false}};
    if (seed % 2 == 0) specs.push_back({"XY70 KLM", PlateStyle::kUkRear, false});
    Scene s = MakeScene(seed, o, specs);
    ASSERT_EQ(s.plates.size(), specs.size());
    cv::Mat yellow = YellowMask(s.image);
    cv::Mat inside = cv::Mat::zeros(yellow.size(), CV_8UC1);
    for (const PlacedPlate& p : s.plates) {
      EXPECT_TRUE(p.fully_visible);
      EXPECT_EQ(p.style, PlateStyle::kUkRear);
      cv::Rect grown = cv::Rect(p.box.x - 1, p.box.y - 1, p.box.width + 2, p.box.height + 2) &
                       cv::Rect(0, 0, yellow.cols, yellow.rows);
      inside(grown).setTo(255);
      // The plate fills much of its box (less when tilted).
      double fill = cv::countNonZero(yellow(p.box)) / static_cast<double>(p.box.area());
      EXPECT_GT(fill, 0.35) << "seed " << seed << " " << p.text;
      // Corners lie on the box.
      for (const auto& c : p.corners) EXPECT_TRUE(grown.contains(cv::Point(c))) << c;
      // Character height is 79/111 of the plate's height.
      double plate_h = (cv::norm(p.corners[3] - p.corners[0]) + cv::norm(p.corners[2] - p.corners[1])) / 2;
      EXPECT_NEAR(p.char_height_px, plate_h * 79 / 111, 1.5);
    }
    cv::Mat outside;
    cv::bitwise_and(yellow, ~inside, outside);
    int total = cv::countNonZero(yellow);
    ASSERT_GT(total, 500);
    EXPECT_LE(cv::countNonZero(outside), total / 200) << "seed " << seed << ": yellow outside the boxes";
    EXPECT_EQ(s.plates[0].text, "AB12CDE");
  }
}

TEST(MakeScene, CornersMapThePlateFaceOn) {
  // Warping the scene back through the truth corners gives the plate as
  // RenderPlate draws it: the corners are where the pixels are.
  SceneOptions o;
  o.max_roll_deg = 15;
  o.max_yaw_deg = 30;
  o.plate_width_px_min = 200;
  o.plate_width_px_max = 260;
  for (uint64_t seed = 11; seed <= 14; ++seed) {
    PlateSpec spec{"KR66 PXT", seed % 2 ? PlateStyle::kUkRear : PlateStyle::kUkFront, false};
    Scene s = MakeScene(seed, o, {spec});
    ASSERT_EQ(s.plates.size(), 1u);
    cv::Mat face = RenderPlate(spec, 60);
    const cv::Point2f dst[4] = {{0, 0}, {float(face.cols), 0}, {float(face.cols), float(face.rows)},
                                {0, float(face.rows)}};
    cv::Mat h = cv::getPerspectiveTransform(s.plates[0].corners.data(), dst);
    cv::Mat back;
    cv::warpPerspective(s.image, back, h, face.size());
    cv::Mat g1, g2, score;
    cv::cvtColor(back, g1, cv::COLOR_BGR2GRAY);
    cv::cvtColor(face, g2, cv::COLOR_BGR2GRAY);
    cv::matchTemplate(g1, g2, score, cv::TM_CCOEFF_NORMED);
    EXPECT_GT(score.at<float>(0, 0), 0.85) << "seed " << seed;
    // And a different text does not match as well.
    cv::Mat other;
    cv::cvtColor(RenderPlate({"WV09 LNH", spec.style, false}, 60), other, cv::COLOR_BGR2GRAY);
    cv::Mat score_other;
    cv::matchTemplate(g1, other, score_other, cv::TM_CCOEFF_NORMED);
    EXPECT_LT(score_other.at<float>(0, 0), score.at<float>(0, 0) - 0.2);
  }
}

TEST(MakeScene, LightingAndEffectsShowInThePixels) {
  SceneOptions o;
  o.width_px = 640;
  o.height_px = 480;
  PlateSpec spec{"AB12 CDE", PlateStyle::kUkRear, false};
  Scene day = MakeScene(3, o, {spec});
  o.lighting = Lighting::kNight;
  Scene night = MakeScene(3, o, {spec});
  o.lighting = Lighting::kInfrared;
  Scene ir = MakeScene(3, o, {spec});
  // Same seed, same layout: only the light differs.
  EXPECT_EQ(day.plates[0].box, night.plates[0].box);
  cv::Mat dg, ng;
  cv::cvtColor(day.image, dg, cv::COLOR_BGR2GRAY);
  cv::cvtColor(night.image, ng, cv::COLOR_BGR2GRAY);
  auto median = [](const cv::Mat& grey) {
    std::vector<uchar> v(grey.begin<uchar>(), grey.end<uchar>());
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return static_cast<int>(v[v.size() / 2]);
  };
  EXPECT_LT(median(ng), median(dg) * 0.4);  // lamps aside, the night is dark
  // At night the lit plate stands out from the dark car around it.
  cv::Rect b = night.plates[0].box;
  cv::Rect around = cv::Rect(b.x - b.width / 2, b.y - b.height * 2, b.width * 2, b.height) &
                    cv::Rect(0, 0, ng.cols, ng.rows);
  EXPECT_GT(cv::mean(ng(b))[0], cv::mean(ng(around))[0] + 40);
  // IR pictures are grey.
  std::vector<cv::Mat> ch;
  cv::split(ir.image, ch);
  EXPECT_EQ(cv::countNonZero(ch[0] != ch[1]), 0);
  EXPECT_EQ(cv::countNonZero(ch[1] != ch[2]), 0);

  // Blur softens edges, glare brightens the plate.
  o.lighting = Lighting::kDay;
  Scene sharp = MakeScene(4, o, {spec});
  o.blur_sigma_px = 2;
  Scene blurred = MakeScene(4, o, {spec});
  auto sharpness = [](const cv::Mat& img, cv::Rect r) {
    cv::Mat g, lap;
    cv::cvtColor(img(r), g, cv::COLOR_BGR2GRAY);
    cv::Laplacian(g, lap, CV_32F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(lap, mean, stddev);
    return stddev[0];
  };
  EXPECT_LT(sharpness(blurred.image, blurred.plates[0].box), sharpness(sharp.image, sharp.plates[0].box) * 0.5);
  o.blur_sigma_px = 0;
  Scene plain = MakeScene(6, o, {spec});
  o.glare = true;
  Scene glare = MakeScene(6, o, {spec});
  cv::Rect pb = plain.plates[0].box;
  EXPECT_GT(cv::mean(glare.image(pb))[0], cv::mean(plain.image(pb))[0] + 10);
}

DriveByOptions SmallDrive() {
  DriveByOptions o;
  o.width_px = 640;
  o.height_px = 360;
  o.fps = 10;
  o.pass_duration_s = 2.0;
  o.gap_s = 1.0;
  o.plates = {{"AB12 CDE", PlateStyle::kUkRear, false},
              {"KR66 PXT", PlateStyle::kUkFront, false},
              {"WV09 LNH", PlateStyle::kUkRear, false}};
  return o;
}

TEST(DriveBy, EachPassInConsecutiveFramesGrowingThenGone) {
  DriveBy drive(21, SmallDrive());
  ASSERT_EQ(drive.frame_count(), 90);  // 3 x (2 s + 1 s) at 10 fps
  EXPECT_EQ(drive.fps(), 10);
  ASSERT_EQ(drive.pass_plates(), (std::vector<std::string>{"AB12CDE", "KR66PXT", "WV09LNH"}));
  std::map<int, std::vector<int>> frames_of_pass;
  std::map<int, std::vector<double>> width_of_pass;
  int empty_frames = 0;
  int64_t last_t = -1;
  for (int i = 0; i < drive.frame_count(); ++i) {
    DriveByFrame f = drive.Frame(i);
    ASSERT_EQ(f.image.size(), cv::Size(640, 360));
    ASSERT_EQ(f.plates.size(), f.pass_index.size());
    EXPECT_GT(f.t_ms, last_t);
    last_t = f.t_ms;
    EXPECT_LE(f.plates.size(), 1u);  // one vehicle at a time
    if (f.plates.empty()) ++empty_frames;
    for (size_t k = 0; k < f.plates.size(); ++k) {
      int pass = f.pass_index[k];
      EXPECT_EQ(f.plates[k].text, drive.pass_plates()[static_cast<size_t>(pass)]);
      frames_of_pass[pass].push_back(i);
      width_of_pass[pass].push_back(cv::norm(f.plates[k].corners[1] - f.plates[k].corners[0]));
    }
  }
  EXPECT_GE(empty_frames, 20);  // the gaps between vehicles
  ASSERT_EQ(frames_of_pass.size(), 3u);
  for (auto& [pass, frames] : frames_of_pass) {
    EXPECT_EQ(frames.size(), 20u) << "pass " << pass;
    for (size_t i = 1; i < frames.size(); ++i) EXPECT_EQ(frames[i], frames[i - 1] + 1);
    const auto& w = width_of_pass[pass];
    for (size_t i = 1; i < w.size(); ++i) EXPECT_GT(w[i], w[i - 1]) << "pass " << pass << " frame " << i;
    EXPECT_GT(w.back(), 3.5 * w.front());
    if (pass > 0) {
      EXPECT_GT(frames.front(), frames_of_pass[pass - 1].back() + 1);
    }
  }
  EXPECT_TRUE(drive.Frame(-1).image.empty());
  EXPECT_TRUE(drive.Frame(drive.frame_count()).image.empty());
}

TEST(DriveBy, TruthMatchesPixelsAndFramesAreDeterministic) {
  DriveByOptions o = SmallDrive();
  o.noise_sigma = 0;
  DriveBy drive(5, o), again(5, o);
  int checked = 0;
  for (int i = 0; i < drive.frame_count(); i += 3) {
    DriveByFrame f = drive.Frame(i);
    EXPECT_EQ(Hash(f.image), Hash(again.Frame(i).image)) << "frame " << i;
    EXPECT_EQ(Hash(f.image), Hash(drive.Frame(i).image)) << "frame " << i;
    for (size_t k = 0; k < f.plates.size(); ++k) {
      const PlacedPlate& p = f.plates[k];
      if (p.style != PlateStyle::kUkRear || !p.fully_visible || p.box.width < 40) continue;
      cv::Mat yellow = YellowMask(f.image);
      int total = cv::countNonZero(yellow);
      int inside = cv::countNonZero(yellow(p.box));
      EXPECT_GE(inside, total * 0.99) << "frame " << i;
      EXPECT_GT(inside, p.box.area() / 3) << "frame " << i;
      ++checked;
    }
  }
  EXPECT_GE(checked, 4);
  DriveBy other(6, o);
  EXPECT_NE(Hash(drive.Frame(15).image), Hash(other.Frame(15).image));
}

TEST(DriveBy, RandomVehiclesWhenNoPlatesGiven) {
  DriveByOptions o;
  o.width_px = 320;
  o.height_px = 240;
  o.random_vehicles = 4;
  o.lighting = Lighting::kNight;
  DriveBy drive(8, o);
  EXPECT_EQ(drive.pass_plates().size(), 4u);
  EXPECT_EQ(drive.frame_count(), 4 * 45);
  std::set<int> passes;
  for (int i = 0; i < drive.frame_count(); ++i) {
    for (int p : drive.Frame(i).pass_index) passes.insert(p);
  }
  EXPECT_EQ(passes.size(), 4u);
}

TEST(WriteVideo, RoundTripsThroughVideoCapture) {
  DriveByOptions o = SmallDrive();
  o.width_px = 320;
  o.height_px = 240;
  o.plates.resize(2);
  o.pass_duration_s = 1.0;
  o.gap_s = 0.5;
  DriveBy drive(3, o);
  ASSERT_EQ(drive.frame_count(), 30);
  auto dir = std::filesystem::temp_directory_path() / ("synth_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "drive.avi").string();
  Status st = WriteVideo(drive, path);
  ASSERT_TRUE(st.ok()) << st.ToString();

  cv::VideoCapture cap(path);
  ASSERT_TRUE(cap.isOpened());
  EXPECT_EQ(static_cast<int>(cap.get(cv::CAP_PROP_FRAME_COUNT)), 30);
  EXPECT_NEAR(cap.get(cv::CAP_PROP_FPS), 10, 0.01);
  int n = 0;
  cv::Mat frame;
  while (cap.read(frame)) {
    ASSERT_EQ(frame.size(), cv::Size(320, 240));
    // The decoded frame is the rendered one, give or take JPEG.
    cv::Mat diff;
    cv::absdiff(frame, drive.Frame(n).image, diff);
    EXPECT_LT(cv::mean(diff)[0], 6) << "frame " << n;
    ++n;
  }
  EXPECT_EQ(n, 30);

  Status bad_ext = WriteVideo(drive, (dir / "drive.mp4").string());
  EXPECT_EQ(bad_ext.code(), StatusCode::kInvalidArgument);
  Status no_dir = WriteVideo(drive, (dir / "missing" / "drive.avi").string());
  EXPECT_EQ(no_dir.code(), StatusCode::kIoError);
  EXPECT_NE(no_dir.message().find("missing"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace anpr::synth
