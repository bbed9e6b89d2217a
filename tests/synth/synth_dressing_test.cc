// What the generator draws besides the registration (PlateSpec::Dressing)
// and the project's own stroke-drawn characters (fonts kFirstStrokeFont..):
// the dressing shows where real plates carry it and never paints over the
// characters, the band letters stay in the band, and every character of the
// stroke faces is drawn, distinct, thin or heavy as asked.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "capture/synth.h"

namespace anpr::synth {
namespace {

// Pixels (8-bit mask) where two plates differ by more than 30 in some channel.
cv::Mat Changed(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat diff, grey;
  cv::absdiff(a, b, diff);
  std::vector<cv::Mat> ch;
  cv::split(diff, ch);
  grey = cv::max(cv::max(ch[0], ch[1]), ch[2]);
  return grey > 30;
}

// Dark ink of the characters (the plain plate's only dark pixels).
cv::Mat Ink(const cv::Mat& plate) {
  cv::Mat grey;
  cv::cvtColor(plate, grey, cv::COLOR_BGR2GRAY);
  return grey < 100;
}

TEST(PlateDressing, ShowsBetweenTheGroupsAndAtTheEdgesButNeverOnTheCharacters) {
  const int char_px = 158;  // 2 px per mm
  const double ppm = char_px / 79.0;
  PlateSpec plain_spec{"AB12 CDE", PlateStyle::kUkFront, false};
  plain_spec.group_gap_scale = 1.8;
  const cv::Mat plain = RenderPlate(plain_spec, char_px);
  for (int between = 1; between <= 3; ++between) {
    for (uint64_t seed = 1; seed <= 4; ++seed) {
      PlateSpec spec = plain_spec;
      spec.dressing.between_groups = between;
      spec.dressing.screws = 2;
      spec.dressing.border = true;
      spec.dressing.frame_mm = 5;
      spec.dressing.dealer_text = "DEALER 0161";
      spec.dressing.seed = seed;
      const cv::Mat dressed = RenderPlate(spec, char_px);
      ASSERT_EQ(dressed.size(), plain.size());
      const cv::Mat changed = Changed(dressed, plain);
      // Characters untouched: inside each character's ink, shrunk by 1.5 mm
      // (a screw head between two characters may graze an edge pixel).
      cv::Mat ink = Ink(plain);
      cv::erode(ink, ink, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7)));
      EXPECT_EQ(cv::countNonZero(changed & ink), 0) << "between " << between << " seed " << seed;
      // The group gap (the widest run of ink-free columns inside the text)
      // carries the hyphen, seals or arms.
      cv::Mat columns;
      cv::reduce(Ink(plain), columns, 0, cv::REDUCE_MAX);
      int best_x = 0, best_w = 0, run = 0, first_ink = -1;
      for (int x = 0; x < columns.cols; ++x) {
        if (columns.at<uchar>(0, x)) {
          if (first_ink >= 0 && run > best_w) best_w = run, best_x = x - run;
          if (first_ink < 0) first_ink = x;
          run = 0;
        } else {
          ++run;
        }
      }
      ASSERT_GT(best_w, 50 * ppm);  // 1.8 x 33 mm
      const cv::Mat gap = changed(cv::Rect(best_x, 0, best_w, plain.rows));
      EXPECT_GT(cv::countNonZero(gap), 20) << "between " << between << " seed " << seed;
      // The frame: the plate's top edge changes all along.
      EXPECT_GT(cv::countNonZero(changed.row(1)), plain.cols * 9 / 10);
    }
  }
}

TEST(PlateDressing, DefaultDrawsNoneOfItAndBandLettersStayInTheBand) {
  PlateSpec spec{"AB12 CDE", PlateStyle::kEu, false};
  const cv::Mat plain = RenderPlate(spec, 80);
  PlateSpec same = spec;
  same.dressing.seed = 99;  // a seed alone draws nothing
  EXPECT_EQ(cv::countNonZero(Changed(RenderPlate(same, 80), plain)), 0);

  const double ppm = 80 / 79.0;
  const int band_px = static_cast<int>(std::lround(50 * ppm));
  for (int kind = 0; kind <= 2; ++kind) {
    PlateSpec nl = spec;
    nl.dressing.band_letters = "NL";
    nl.dressing.band_kind = kind;
    const cv::Mat changed = Changed(RenderPlate(nl, 80), plain);
    EXPECT_GT(cv::countNonZero(changed), 20) << "kind " << kind;
    EXPECT_EQ(cv::countNonZero(changed(cv::Rect(band_px, 0, plain.cols - band_px, plain.rows))), 0)
        << "kind " << kind;
  }
}

TEST(StrokeFont, EveryCharacterIsDrawnDistinctAndStrokeWeightDiffers) {
  const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int font : {kFirstStrokeFont, kFirstStrokeFont + 1}) {
    std::set<std::vector<uchar>> seen;
    for (char c : chars) {
      PlateSpec spec{std::string(1, c), PlateStyle::kUkFront, false};
      spec.font = font;
      const cv::Mat ink = Ink(RenderPlate(spec, 79));
      const int n = cv::countNonZero(ink);
      EXPECT_GT(n, 200) << c << " font " << font;  // a 50 x 79 px cell, well inked
      EXPECT_LT(n, 50 * 79 * 7 / 10) << c << " font " << font;
      std::vector<uchar> bits(ink.datastart, ink.dataend);
      EXPECT_TRUE(seen.insert(bits).second) << c << " looks like another character, font " << font;
    }
  }
  auto ink_of = [](int font) {
    PlateSpec spec{"H", PlateStyle::kUkFront, false};
    spec.font = font;
    return cv::countNonZero(Ink(RenderPlate(spec, 79)));
  };
  EXPECT_LT(ink_of(kFirstStrokeFont), ink_of(kFirstStrokeFont + 1) * 9 / 10);
}

}  // namespace
}  // namespace anpr::synth
