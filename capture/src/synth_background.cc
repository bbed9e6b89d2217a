// The synthetic scenes' background: sky, buildings, trees, signs with text
// (text that is not a plate, for the detector to reject) and the road.
#include <algorithm>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "capture/src/synth_internal.h"

namespace anpr::synth::internal {
namespace {

const char* const kSignWords[] = {"CAFE",  "PHARMACY", "A38 DERBY", "M1 NORTH", "TO LET",
                                  "OPEN",  "BANK",     "SALE 50%",  "HOTEL",    "TAXI",
                                  "PARKING", "BUS STOP", "CITY CENTRE", "B4106", "NEWS 24"};

}  // namespace

void DrawBackground(cv::Mat& image, int horizon_y, std::mt19937_64& rng) {
  const int w = image.cols, h = image.rows;
  horizon_y = std::clamp(horizon_y, 1, h - 1);
  // Sky: a vertical gradient.
  cv::Vec3d top(Uniform(rng, 190, 230), Uniform(rng, 140, 175), Uniform(rng, 80, 120));
  cv::Vec3d low(Uniform(rng, 225, 245), Uniform(rng, 215, 235), Uniform(rng, 200, 225));
  for (int y = 0; y < horizon_y; ++y) {
    double t = static_cast<double>(y) / horizon_y;
    cv::Vec3d c = top * (1 - t) + low * t;
    image.row(y).setTo(cv::Scalar(c[0], c[1], c[2]));
  }
  // Road: darker towards the horizon, pavements at the sides.
  double grey = Uniform(rng, 85, 120);
  for (int y = horizon_y; y < h; ++y) {
    double t = static_cast<double>(y - horizon_y) / std::max(1, h - horizon_y);
    double g = grey * (0.75 + 0.25 * t);
    image.row(y).setTo(cv::Scalar(g + 3, g, g - 2));
  }
  const cv::Point vanish(w / 2 + UniformInt(rng, -w / 10, w / 10), horizon_y);
  auto road_edge = [&](double bottom_x, const cv::Scalar& colour, double bottom_x2) {
    std::vector<cv::Point> poly = {vanish, vanish, cv::Point(static_cast<int>(bottom_x2), h),
                                   cv::Point(static_cast<int>(bottom_x), h)};
    cv::fillConvexPoly(image, poly, colour, cv::LINE_AA);
  };
  road_edge(-2.0 * w, cv::Scalar(150, 152, 150), -0.55 * w);  // left pavement
  road_edge(1.55 * w, cv::Scalar(150, 152, 150), 3.0 * w);    // right pavement
  // Dashed centre and lane lines converging on the vanishing point.
  for (double lane : {-0.25, 0.5, 1.25}) {
    double bottom_x = lane * w;
    for (double s = 0.02; s < 1.0; s += 0.12) {
      double s1 = std::min(1.0, s + 0.06);
      auto at = [&](double t, double dx) {
        double x = vanish.x + (bottom_x - vanish.x) * t + dx * t;
        double y = vanish.y + (h - vanish.y) * t;
        return cv::Point(static_cast<int>(x), static_cast<int>(y));
      };
      double half_w = 0.006 * w;
      std::vector<cv::Point> dash = {at(s * s, -half_w), at(s * s, half_w), at(s1 * s1, half_w),
                                     at(s1 * s1, -half_w)};
      cv::fillConvexPoly(image, dash, cv::Scalar(225, 228, 228), cv::LINE_AA);
    }
  }
  // Horizon clutter: buildings with windows, trees, shop and road signs.
  const cv::Scalar kWalls[] = {{60, 75, 150}, {140, 150, 160}, {170, 195, 215}, {95, 100, 110},
                               {75, 95, 130}, {200, 200, 195}};
  int x = UniformInt(rng, -60, 0);
  while (x < w) {
    int bw = UniformInt(rng, w / 14, w / 5);
    int bh = UniformInt(rng, h / 12, std::max(h / 12 + 1, horizon_y - 4));
    int kind = UniformInt(rng, 0, 9);
    if (kind < 6) {
      cv::Scalar wall = kWalls[UniformInt(rng, 0, 5)];
      cv::Rect r(x, horizon_y - bh, bw, bh);
      cv::rectangle(image, r, wall, cv::FILLED);
      int win = std::max(4, bw / 8);
      for (int wy = r.y + win; wy + win < horizon_y - win; wy += win * 2) {
        for (int wx = r.x + win / 2; wx + win < r.x + bw; wx += win * 2) {
          cv::rectangle(image, cv::Rect(wx, wy, win, win), Scale(wall, 0.45), cv::FILLED);
        }
      }
      if (kind < 3) {
        // Shop sign with text: a text-like distractor.
        const cv::Scalar kSignGround[] = {{245, 245, 245}, {30, 30, 30}, {140, 60, 20}, {40, 40, 160},
                                          {60, 110, 30}};
        int g = UniformInt(rng, 0, 4);
        cv::Scalar ink = g == 0 ? cv::Scalar(20, 20, 20) : cv::Scalar(240, 240, 240);
        int sh = std::max(8, bh / 5);
        cv::Rect sign(r.x + bw / 10, std::max(0, horizon_y - bh + sh / 2), bw * 8 / 10, sh);
        cv::rectangle(image, sign, kSignGround[g], cv::FILLED);
        constexpr int kWords = sizeof(kSignWords) / sizeof(kSignWords[0]);
        std::string word = kSignWords[UniformInt(rng, 0, kWords - 1)];
        double scale = sh * 0.6 / 22.0;
        int baseline = 0;
        cv::Size ts = cv::getTextSize(word, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline);
        if (ts.width > sign.width) scale *= static_cast<double>(sign.width) / ts.width * 0.9;
        cv::putText(image, word, cv::Point(sign.x + 3, sign.y + sh * 3 / 4), cv::FONT_HERSHEY_SIMPLEX,
                    scale, ink, std::max(1, static_cast<int>(scale * 1.5)), cv::LINE_AA);
      }
    } else if (kind < 9) {
      cv::Scalar leaf(Uniform(rng, 30, 60), Uniform(rng, 90, 130), Uniform(rng, 40, 70));
      cv::rectangle(image, cv::Rect(x + bw / 2 - 4, horizon_y - bh / 3, 8, bh / 3),
                    cv::Scalar(40, 55, 70), cv::FILLED);
      cv::ellipse(image, cv::Point(x + bw / 2, horizon_y - bh * 2 / 3), cv::Size(bw / 2, bh / 2), 0,
                  0, 360, leaf, cv::FILLED, cv::LINE_AA);
    } else {
      // Road sign on a pole: white text on blue or green.
      int sw = bw, sh = std::max(10, bh / 3);
      cv::Rect sign(x, std::max(0, horizon_y - bh), sw, sh);
      cv::line(image, cv::Point(x + sw / 2, sign.y + sh), cv::Point(x + sw / 2, horizon_y + h / 20),
               cv::Scalar(90, 90, 90), std::max(2, sw / 25));
      cv::Scalar ground = Chance(rng, 0.5) ? cv::Scalar(150, 70, 10) : cv::Scalar(60, 110, 20);
      cv::rectangle(image, sign, ground, cv::FILLED);
      cv::rectangle(image, sign, cv::Scalar(240, 240, 240), std::max(1, sh / 12));
      constexpr int kWords = sizeof(kSignWords) / sizeof(kSignWords[0]);
      std::string word = kSignWords[UniformInt(rng, 0, kWords - 1)];
      double scale = sh * 0.5 / 22.0;
      int baseline = 0;
      cv::Size ts = cv::getTextSize(word, cv::FONT_HERSHEY_DUPLEX, scale, 1, &baseline);
      if (ts.width > sign.width - 6) scale *= static_cast<double>(sign.width - 6) / ts.width;
      cv::putText(image, word, cv::Point(sign.x + 3, sign.y + sh * 3 / 4), cv::FONT_HERSHEY_DUPLEX,
                  scale, cv::Scalar(240, 240, 240), std::max(1, static_cast<int>(scale * 1.5)),
                  cv::LINE_AA);
    }
    x += bw + UniformInt(rng, 0, w / 20);
  }
}

}  // namespace anpr::synth::internal
