// What real plates carry besides the registration (PlateSpec::Dressing):
// the band's country letters and its stars or flag, a hyphen, seals or a
// coat of arms between the groups, screw heads, a printed border, a
// dealer's frame with its name, and dirt. A reader trained only on clean
// characters reads these as characters; drawing them teaches it not to.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "capture/src/synth_internal.h"
#include "capture/synth.h"

namespace anpr::synth::internal {
namespace {

const cv::Scalar kInk(22, 22, 24);
const cv::Scalar kStar(0, 204, 255);
const cv::Scalar kWhite(250, 250, 250);
const cv::Scalar kRed(40, 30, 200);
const cv::Scalar kFlagBlue(110, 36, 10);

cv::Point Px(cv::Point2d mm, double ppm) {
  return {static_cast<int>(std::lround(mm.x * ppm)), static_cast<int>(std::lround(mm.y * ppm))};
}
int Len(double mm, double ppm) { return std::max(1, static_cast<int>(std::lround(mm * ppm))); }

void Glyph(cv::Mat& plate, char c, const cv::Rect2d& r_mm, double ppm, const cv::Scalar& colour) {
  const cv::Rect r(Px({r_mm.x, r_mm.y}, ppm), cv::Size(Len(r_mm.width, ppm), Len(r_mm.height, ppm)));
  if ((r & cv::Rect(0, 0, plate.cols, plate.rows)) != r) return;
  cv::Mat mask = GlyphMask(c, r.size(), 0);
  if (mask.empty()) return;
  cv::Mat roi = plate(r);
  BlendInk(roi, mask, colour);
}

// The gap between the groups of a one-line plate: its centre x and width
// (mm); width 0 when the plate has one group.
std::pair<double, double> GroupGap(const PlateLayout& layout) {
  double best_x = 0, best_w = 0, pitch_gap = 1e9;
  for (size_t i = 1; i < layout.glyphs.size(); ++i) {
    const cv::Rect2d& a = layout.glyphs[i - 1].cell_mm;
    const cv::Rect2d& b = layout.glyphs[i].cell_mm;
    if (std::abs(a.y - b.y) > 1) continue;  // next row
    const double gap = b.x - (a.x + a.width);
    pitch_gap = std::min(pitch_gap, gap);
    if (gap > best_w) best_w = gap, best_x = a.x + a.width + gap / 2;
  }
  if (best_w < pitch_gap + 8) return {0, 0};
  return {best_x, best_w};
}

std::pair<double, double> TextRows(const PlateLayout& layout) {
  double top = 1e9, bottom = 0;
  for (const GlyphCell& g : layout.glyphs) {
    top = std::min(top, g.cell_mm.y);
    bottom = std::max(bottom, g.cell_mm.y + g.cell_mm.height);
  }
  return {top, bottom};
}

void Seals(cv::Mat& plate, cv::Point2d centre, double gap_mm, double ppm, std::mt19937_64& rng) {
  static const cv::Scalar kSealColours[] = {{60, 170, 240}, {200, 120, 60}, {120, 190, 90}, {170, 120, 230},
                                            {80, 200, 230}, {60, 110, 180}, {200, 200, 200}};
  const double r = std::min(gap_mm / 2 - 1.5, 17.0);
  if (r < 4) return;
  for (int k = 0; k < 2; ++k) {
    const cv::Point2d c(centre.x, centre.y + (k == 0 ? -1 : 1) * (r + Uniform(rng, 0.5, 2.5)));
    const cv::Scalar fill = kSealColours[UniformInt(rng, 0, 6)];
    cv::circle(plate, Px(c, ppm), Len(r, ppm), fill, cv::FILLED, cv::LINE_AA);
    cv::circle(plate, Px(c, ppm), Len(r * 0.8, ppm), Scale(fill, 0.6), Len(0.8, ppm), cv::LINE_AA);
    // A small crest or the month numbers: a dark blob in the middle.
    cv::ellipse(plate, Px(c, ppm), cv::Size(Len(r * 0.3, ppm), Len(r * 0.38, ppm)), 0, 0, 360,
                Scale(fill, 0.35), cv::FILLED, cv::LINE_AA);
  }
}

void CoatOfArms(cv::Mat& plate, cv::Point2d centre, double gap_mm, double ppm, std::mt19937_64& rng) {
  const double w = std::min(gap_mm - 4, 28.0), h = w * Uniform(rng, 1.1, 1.5);
  if (w < 6) return;
  std::vector<cv::Point> shield = {Px({centre.x - w / 2, centre.y - h / 2}, ppm), Px({centre.x + w / 2, centre.y - h / 2}, ppm),
                                   Px({centre.x + w / 2, centre.y + h * 0.1}, ppm), Px({centre.x, centre.y + h / 2}, ppm),
                                   Px({centre.x - w / 2, centre.y + h * 0.1}, ppm)};
  const cv::Scalar a(UniformInt(rng, 20, 200), UniformInt(rng, 20, 200), UniformInt(rng, 20, 230));
  cv::fillConvexPoly(plate, shield, a, cv::LINE_AA);
  cv::polylines(plate, shield, true, kInk, Len(1, ppm), cv::LINE_AA);
  cv::line(plate, Px({centre.x, centre.y - h / 2}, ppm), Px({centre.x, centre.y + h / 2}, ppm), kWhite, Len(w / 6, ppm));
}

void UnionFlag(cv::Mat& plate, const cv::Rect2d& r_mm, double ppm) {
  const cv::Rect r(Px({r_mm.x, r_mm.y}, ppm), cv::Size(Len(r_mm.width, ppm), Len(r_mm.height, ppm)));
  cv::Mat flag(r.size(), CV_8UC3, kFlagBlue);
  const cv::Point tl(0, 0), br(flag.cols - 1, flag.rows - 1), tr(flag.cols - 1, 0), bl(0, flag.rows - 1);
  const int k = std::max(1, flag.rows / 5);
  cv::line(flag, tl, br, kWhite, k, cv::LINE_AA);
  cv::line(flag, tr, bl, kWhite, k, cv::LINE_AA);
  cv::line(flag, tl, br, kRed, std::max(1, k / 2), cv::LINE_AA);
  cv::line(flag, tr, bl, kRed, std::max(1, k / 2), cv::LINE_AA);
  cv::line(flag, {flag.cols / 2, 0}, {flag.cols / 2, flag.rows}, kWhite, std::max(1, k * 5 / 3));
  cv::line(flag, {0, flag.rows / 2}, {flag.cols, flag.rows / 2}, kWhite, std::max(1, k * 5 / 3));
  cv::line(flag, {flag.cols / 2, 0}, {flag.cols / 2, flag.rows}, kRed, std::max(1, k));
  cv::line(flag, {0, flag.rows / 2}, {flag.cols, flag.rows / 2}, kRed, std::max(1, k));
  if ((r & cv::Rect(0, 0, plate.cols, plate.rows)) == r) flag.copyTo(plate(r));
}

void Screw(cv::Mat& plate, cv::Point2d c, double r_mm, int kind, double ppm, const cv::Scalar& ground) {
  const cv::Scalar head = kind == 0 ? cv::Scalar(185, 185, 190) : (kind == 1 ? cv::Scalar(30, 30, 30) : Scale(ground, 0.92));
  cv::circle(plate, Px(c, ppm), Len(r_mm, ppm), head, cv::FILLED, cv::LINE_AA);
  cv::circle(plate, Px(c, ppm), Len(r_mm, ppm), Scale(head, 0.5), Len(0.6, ppm), cv::LINE_AA);
  if (kind == 0) {  // a cross slot
    cv::line(plate, Px({c.x - r_mm * 0.6, c.y}, ppm), Px({c.x + r_mm * 0.6, c.y}, ppm), cv::Scalar(70, 70, 70), Len(0.8, ppm));
    cv::line(plate, Px({c.x, c.y - r_mm * 0.6}, ppm), Px({c.x, c.y + r_mm * 0.6}, ppm), cv::Scalar(70, 70, 70), Len(0.8, ppm));
  }
}

void Frame(cv::Mat& plate, const PlateSpec::Dressing& d, double ppm, std::mt19937_64& rng) {
  const int kind = UniformInt(rng, 0, 2);
  const cv::Scalar colour = kind == 0 ? cv::Scalar(28, 28, 30) : (kind == 1 ? cv::Scalar(175, 178, 180) : cv::Scalar(90, 40, 20));
  const int side = Len(d.frame_mm, ppm), bottom = Len(d.frame_mm * Uniform(rng, 1.4, 2.2), ppm);
  cv::rectangle(plate, {0, 0, plate.cols, side}, colour, cv::FILLED);
  cv::rectangle(plate, {0, 0, side, plate.rows}, colour, cv::FILLED);
  cv::rectangle(plate, {plate.cols - side, 0, side, plate.rows}, colour, cv::FILLED);
  cv::rectangle(plate, {0, plate.rows - bottom, plate.cols, bottom}, colour, cv::FILLED);
  if (d.dealer_text.empty() || bottom < 5) return;
  const double scale = bottom * 0.6 / 22.0;
  const cv::Scalar ink = kind == 1 ? cv::Scalar(30, 30, 30) : cv::Scalar(225, 225, 225);
  int baseline = 0;
  const cv::Size size = cv::getTextSize(d.dealer_text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline);
  cv::putText(plate, d.dealer_text, {(plate.cols - size.width) / 2, plate.rows - (bottom - size.height) / 2},
              cv::FONT_HERSHEY_SIMPLEX, scale, ink, std::max(1, bottom / 10), cv::LINE_AA);
}

void Dirt(cv::Mat& plate, double amount, double ppm, std::mt19937_64& rng) {
  cv::Mat layer = plate.clone();
  const int spots = static_cast<int>(amount * 40);
  for (int i = 0; i < spots; ++i) {
    const cv::Point c(UniformInt(rng, 0, plate.cols - 1), UniformInt(rng, 0, plate.rows - 1));
    const double r = Uniform(rng, 0.5, amount * 12 + 1.5);
    const cv::Scalar brown(UniformInt(rng, 30, 90), UniformInt(rng, 50, 110), UniformInt(rng, 60, 130));
    cv::ellipse(layer, c, cv::Size(Len(r, ppm), Len(r * Uniform(rng, 0.4, 1), ppm)), Uniform(rng, 0, 180), 0, 360,
                brown, cv::FILLED, cv::LINE_AA);
  }
  cv::addWeighted(plate, 1 - 0.6 * amount, layer, 0.6 * amount, 0, plate);
  // Road film: darker towards the bottom.
  const double film = Uniform(rng, 0, 0.35) * amount;
  for (int y = 0; y < plate.rows; ++y) {
    const double k = 1 - film * y / std::max(1, plate.rows - 1);
    plate.row(y).convertTo(plate.row(y), -1, k, 0);
  }
}

}  // namespace

void DrawBandMarks(cv::Mat& plate, const PlateSpec& spec, const cv::Rect2d& band_mm, double ppm) {
  const PlateSpec::Dressing& d = spec.dressing;
  const double cx = band_mm.x + band_mm.width / 2;
  if (d.band_kind == 0) {  // the ring of twelve stars
    const double ring_mm = 13;
    for (int i = 0; i < 12; ++i) {
      const double a = i * CV_PI / 6;
      cv::circle(plate, Px({cx + ring_mm * std::cos(a), band_mm.y + 30 + ring_mm * std::sin(a)}, ppm),
                 Len(2.2, ppm), kStar, cv::FILLED, cv::LINE_AA);
    }
  } else if (d.band_kind == 1) {
    UnionFlag(plate, {band_mm.x + 6, band_mm.y + 10, band_mm.width - 12, 24}, ppm);
  }
  const std::string letters = d.band_letters.empty() ? std::string("UK") : d.band_letters;
  const int n = static_cast<int>(std::min<size_t>(letters.size(), 3));
  const double letter_w = std::min(16.0, (42.0 - 2 * (n - 1)) / n);
  const double letter_h = n == 3 ? 22 : 26;
  double x = cx - (n * letter_w + (n - 1) * 2) / 2;
  const double y = band_mm.y + band_mm.height - letter_h - 10;
  for (int i = 0; i < n; ++i, x += letter_w + 2) Glyph(plate, letters[static_cast<size_t>(i)], {x, y, letter_w, letter_h}, ppm, kWhite);
}

void DrawDressingUnder(cv::Mat& plate, const PlateSpec& spec, const PlateLayout& layout, double ppm) {
  const PlateSpec::Dressing& d = spec.dressing;
  std::mt19937_64 rng(MixSeed(d.seed, 11));
  if (d.border) {
    const double inset = Uniform(rng, 1.5, 4);
    cv::rectangle(plate, Px({inset, inset}, ppm), Px({layout.size_mm.width - inset, layout.size_mm.height - inset}, ppm),
                  kInk, Len(Uniform(rng, 1.2, 2.5), ppm), cv::LINE_AA);
  }
  if (d.between_groups == 0 || spec.two_line) return;
  const auto [gap_x, gap_w] = GroupGap(layout);
  if (gap_w <= 0) return;
  const auto [top, bottom] = TextRows(layout);
  const cv::Point2d centre(gap_x, (top + bottom) / 2);
  if (d.between_groups == 1) {
    const double w = std::min(gap_w * 0.55, 22.0), h = Uniform(rng, 6, 10);
    cv::rectangle(plate, Px({centre.x - w / 2, centre.y - h / 2}, ppm), Px({centre.x + w / 2, centre.y + h / 2}, ppm),
                  kInk, cv::FILLED, cv::LINE_AA);
  } else if (d.between_groups == 2) {
    Seals(plate, centre, gap_w, ppm, rng);
  } else {
    CoatOfArms(plate, centre, gap_w, ppm, rng);
  }
}

void DrawDressingOver(cv::Mat& plate, const PlateSpec& spec, const PlateLayout& layout, double ppm) {
  const PlateSpec::Dressing& d = spec.dressing;
  std::mt19937_64 rng(MixSeed(d.seed, 12));
  if (d.screws > 0 && !layout.glyphs.empty()) {
    const cv::Vec3b g = plate.at<cv::Vec3b>(plate.rows / 2, std::max(0, plate.cols - 2));  // the ground beside the text
    const cv::Scalar ground(g[0], g[1], g[2]);
    const int kind = UniformInt(rng, 0, 2);
    const double r = Uniform(rng, 3, 5.5);
    const auto [top, bottom] = TextRows(layout);
    const double left = layout.has_band ? layout.band_mm.width : 0;
    const double first = layout.glyphs.front().cell_mm.x, last = layout.glyphs.back().cell_mm.br().x;
    // At the ends (in the margins beside the text) or between characters,
    // at mid-height or in the top / bottom margins.
    const bool ends = Chance(rng, 0.5) || layout.glyphs.size() < 2;
    double xl = ends ? (left + first) / 2 : 0, xr = ends ? (last + layout.size_mm.width) / 2 : 0;
    if (!ends) {
      const size_t i = static_cast<size_t>(UniformInt(rng, 1, std::max(1, static_cast<int>(layout.glyphs.size()) - 1)));
      const size_t j = layout.glyphs.size() - i;
      auto between = [&](size_t k) {
        k = std::clamp<size_t>(k, 1, layout.glyphs.size() - 1);
        return (layout.glyphs[k - 1].cell_mm.br().x + layout.glyphs[k].cell_mm.x) / 2;
      };
      xl = between(std::min(i, j));
      xr = between(std::max(i, j));
    }
    const double ys[3] = {(top + bottom) / 2, top / 2, (bottom + layout.size_mm.height) / 2};
    const double y = ys[UniformInt(rng, 0, 2)];
    Screw(plate, {xl, y}, r, kind, ppm, ground);
    Screw(plate, {xr, y}, r, kind, ppm, ground);
    if (d.screws >= 4) {
      const double y2 = ys[UniformInt(rng, 1, 2)];
      Screw(plate, {xl, y2}, r, kind, ppm, ground);
      Screw(plate, {xr, y2}, r, kind, ppm, ground);
    }
  }
  if (d.frame_mm > 0) Frame(plate, d, ppm, rng);
  if (d.dirt > 0) Dirt(plate, std::min(1.0, d.dirt), ppm, rng);
}

}  // namespace anpr::synth::internal
