// Plates face-on: the legal UK layout, the character glyphs and random
// current-format registrations.
#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <mutex>

#include <opencv2/freetype.hpp>
#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>

#include "capture/src/synth_internal.h"
#include "capture/synth.h"

namespace anpr::synth {
namespace internal {

double Uniform(std::mt19937_64& rng, double lo, double hi) {
  // 53 random bits -> [0, 1).
  double u = static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);
  return lo + (hi - lo) * u;
}

int UniformInt(std::mt19937_64& rng, int lo, int hi_inclusive) {
  if (hi_inclusive <= lo) return lo;
  uint64_t span = static_cast<uint64_t>(hi_inclusive - lo) + 1;
  return lo + static_cast<int>(rng() % span);
}

bool Chance(std::mt19937_64& rng, double p) { return Uniform(rng, 0, 1) < p; }

uint64_t MixSeed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::string NormalisePlateText(const std::string& text) {
  std::string out;
  for (char ch : text) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (std::isalnum(u)) out.push_back(static_cast<char>(std::toupper(u)));
  }
  return out;
}

namespace {

// BS AU 145e dimensions, millimetres.
constexpr double kPlateWidthMm = 520;
constexpr double kPlateHeightMm = 111;
constexpr double kSquareWidthMm = 279;   // two-line ("square") plate
constexpr double kSquareHeightMm = 203;
constexpr double kCharHeightMm = 79;
constexpr double kCharWidthMm = 50;
constexpr double kCharSpacingMm = 11;
constexpr double kGroupGapMm = 33;
constexpr double kMarginMm = 11;
constexpr double kLineGapMm = 19;        // between the rows of a two-line plate
constexpr double kBandWidthMm = 50;      // the blue national identifier band

// Splits the printed text into its groups: at the first space, or, for a
// 7-character registration typed without one, as "AB12" + "CDE".
std::vector<std::string> Groups(const std::string& text) {
  std::string t;
  for (char ch : text) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (std::isalnum(u)) {
      t.push_back(static_cast<char>(std::toupper(u)));
    } else if (ch == ' ' && !t.empty() && t.back() != ' ') {
      t.push_back(' ');
    }
  }
  while (!t.empty() && t.back() == ' ') t.pop_back();
  size_t space = t.find(' ');
  if (space != std::string::npos) {
    std::string first = t.substr(0, space);
    std::string rest = t.substr(space + 1);
    rest.erase(std::remove(rest.begin(), rest.end(), ' '), rest.end());
    return {first, rest};
  }
  if (t.size() == 7) return {t.substr(0, 4), t.substr(4)};
  return {t};
}

// Character cell width and spacing of one plate, millimetres.
struct Pitch {
  double char_mm = kCharWidthMm;
  double gap_mm = kCharSpacingMm;
  int font = 0;
  double group_gap_mm = kGroupGapMm;
};

Pitch PitchOf(const PlateSpec& spec) {
  return {kCharWidthMm * std::clamp(spec.char_width_scale, 0.5, 1.5),
          kCharSpacingMm * std::clamp(spec.char_gap_scale, 0.0, 3.0), spec.font,
          kGroupGapMm * std::clamp(spec.group_gap_scale, 0.3, 3.0)};
}

double GroupWidthMm(const std::string& g, const Pitch& pitch) {
  if (g.empty()) return 0;
  return static_cast<double>(g.size()) * pitch.char_mm +
         static_cast<double>(g.size() - 1) * pitch.gap_mm;
}

// Places a row of groups starting at x, top y.
void PlaceRow(const std::vector<std::string>& groups, double x, double y, const Pitch& pitch,
              std::vector<GlyphCell>& out) {
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    if (gi > 0) x += pitch.group_gap_mm - pitch.gap_mm;
    for (char c : groups[gi]) {
      out.push_back({c, pitch.font, cv::Rect2d(x, y, pitch.char_mm, kCharHeightMm)});
      x += pitch.char_mm + pitch.gap_mm;
    }
  }
}

// Glyph masks rendered once per typeface from its TrueType font
// (cv::freetype is not documented as thread-safe, so it is only used inside
// call_once).
struct GlyphBank {
  std::array<cv::Mat, 128> mask;  // tight ink bounds, 8-bit grey
};

// Font 0 (the default face): the first of these that loads.
const char* const kFontPaths[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
};
// Fonts 1.. (PlateSpec::font), for training variety; Debian packages
// fonts-dejavu-extra, fonts-liberation, fonts-freefont-ttf, fonts-roboto-unhinted.
const char* const kExtraFontPaths[kFirstStrokeFont - 1] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
    "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
};
constexpr int kGlyphRenderHeightPx = 320;

cv::Mat CropInk(const cv::Mat& grey) {
  cv::Mat nz;
  cv::findNonZero(grey > 8, nz);
  if (nz.empty()) return {};
  return grey(cv::boundingRect(nz)).clone();
}

// Renders the 36 characters from the first of `paths` that loads (Hershey
// when none does).
void RenderBank(const std::vector<const char*>& paths, GlyphBank* bank) {
  const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  cv::Ptr<cv::freetype::FreeType2> ft;
  for (const char* path : paths) {
    try {
      auto candidate = cv::freetype::createFreeType2();
      candidate->loadFontData(path, 0);
      ft = candidate;
      break;
    } catch (const cv::Exception& e) {
      spdlog::warn("synth: cannot load font {}: {}", path, e.what());
    }
  }
  if (!ft) {
    spdlog::warn("synth: no DejaVu bold font (Debian package fonts-dejavu-core); "
                 "plates use OpenCV's Hershey font instead");
  }
  for (char c : chars) {
    cv::Mat canvas(kGlyphRenderHeightPx * 2, kGlyphRenderHeightPx * 2, CV_8UC3,
                   cv::Scalar::all(0));
    std::string s(1, c);
    bool drawn = false;
    if (ft) {
      try {
        ft->putText(canvas, s, cv::Point(kGlyphRenderHeightPx / 2, kGlyphRenderHeightPx * 3 / 2),
                    kGlyphRenderHeightPx, cv::Scalar::all(255), -1, cv::LINE_AA, true);
        drawn = true;
      } catch (const cv::Exception& e) {
        spdlog::warn("synth: font cannot draw '{}': {}", s, e.what());
      }
    }
    if (!drawn) {
      cv::putText(canvas, s, cv::Point(kGlyphRenderHeightPx / 2, kGlyphRenderHeightPx * 3 / 2),
                  cv::FONT_HERSHEY_DUPLEX, kGlyphRenderHeightPx / 30.0, cv::Scalar::all(255),
                  kGlyphRenderHeightPx / 12, cv::LINE_AA);
    }
    cv::Mat grey;
    cv::cvtColor(canvas, grey, cv::COLOR_BGR2GRAY);
    bank->mask[static_cast<unsigned char>(c)] = CropInk(grey);
  }
}

// The project's stroke faces (fonts kFirstStrokeFont..): stroke width as a
// fraction of the character height.
void RenderStrokeBank(double stroke, GlyphBank* bank) {
  for (char c : std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")) {
    bank->mask[static_cast<unsigned char>(c)] = StrokeGlyphMask(c, kGlyphRenderHeightPx, stroke);
  }
}

const GlyphBank& Glyphs(int font) {
  static std::array<GlyphBank, kPlateFontCount> banks;
  static std::array<std::once_flag, kPlateFontCount> once;
  if (font < 0 || font >= kPlateFontCount) font = 0;
  const size_t i = static_cast<size_t>(font);
  std::call_once(once[i], [font, i] {
    if (font == 0) {
      RenderBank({std::begin(kFontPaths), std::end(kFontPaths)}, &banks[i]);
    } else if (font >= kFirstStrokeFont) {
      RenderStrokeBank(font == kFirstStrokeFont ? 0.13 : 0.17, &banks[i]);
    } else if (std::filesystem::exists(kExtraFontPaths[i - 1])) {
      RenderBank({kExtraFontPaths[i - 1]}, &banks[i]);
    } else {
      banks[i] = Glyphs(0);  // a missing extra face draws as the default one
    }
  });
  return banks[i];
}

const cv::Scalar kWhiteBgr(236, 239, 239);
const cv::Scalar kYellowBgr(18, 204, 252);
const cv::Scalar kInkBgr(22, 22, 24);
const cv::Scalar kBandBgr(150, 52, 0);
const cv::Scalar kStarBgr(0, 204, 255);

}  // namespace

void BlendInk(cv::Mat& roi, const cv::Mat& mask, const cv::Scalar& colour) {
  const int c0 = static_cast<int>(colour[0]);
  const int c1 = static_cast<int>(colour[1]);
  const int c2 = static_cast<int>(colour[2]);
  for (int y = 0; y < roi.rows; ++y) {
    uchar* p = roi.ptr<uchar>(y);
    const uchar* m = mask.ptr<uchar>(y);
    for (int x = 0; x < roi.cols; ++x, p += 3) {
      int a = m[x];
      if (a == 0) continue;
      p[0] = static_cast<uchar>(p[0] + ((c0 - p[0]) * a + 127) / 255);
      p[1] = static_cast<uchar>(p[1] + ((c1 - p[1]) * a + 127) / 255);
      p[2] = static_cast<uchar>(p[2] + ((c2 - p[2]) * a + 127) / 255);
    }
  }
}

namespace {

cv::Rect ToPx(const cv::Rect2d& r_mm, double ppm) {
  int x0 = static_cast<int>(std::lround(r_mm.x * ppm));
  int y0 = static_cast<int>(std::lround(r_mm.y * ppm));
  int x1 = static_cast<int>(std::lround((r_mm.x + r_mm.width) * ppm));
  int y1 = static_cast<int>(std::lround((r_mm.y + r_mm.height) * ppm));
  return {x0, y0, std::max(1, x1 - x0), std::max(1, y1 - y0)};
}

void DrawGlyph(cv::Mat& plate, char c, const cv::Rect& cell, const cv::Scalar& colour, int font = 0) {
  cv::Rect r = cell & cv::Rect(0, 0, plate.cols, plate.rows);
  if (r.empty() || r != cell) return;
  cv::Mat mask = GlyphMask(c, cell.size(), font);
  if (mask.empty()) return;
  cv::Mat roi = plate(r);
  BlendInk(roi, mask, colour);
}

void DrawBand(cv::Mat& plate, const PlateSpec& spec, const cv::Rect2d& band_mm, double ppm) {
  cv::rectangle(plate, ToPx(band_mm, ppm), kBandBgr, cv::FILLED);
  if (!spec.dressing.band_letters.empty() || spec.dressing.band_kind != 0) {
    DrawBandMarks(plate, spec, band_mm, ppm);
    return;
  }
  // A ring of twelve stars (dots at small sizes) above the "UK" letters.
  cv::Point2d centre_mm(band_mm.x + band_mm.width / 2, band_mm.y + 30);
  double ring_mm = 13;
  int star_px = std::max(1, static_cast<int>(std::lround(2.2 * ppm)));
  for (int i = 0; i < 12; ++i) {
    double a = i * CV_PI / 6;
    cv::Point p(static_cast<int>(std::lround((centre_mm.x + ring_mm * std::cos(a)) * ppm)),
                static_cast<int>(std::lround((centre_mm.y + ring_mm * std::sin(a)) * ppm)));
    cv::circle(plate, p, star_px, kStarBgr, cv::FILLED, cv::LINE_AA);
  }
  // "UK" in white, 2 x (16 x 26 mm) with a 2 mm gap, near the bottom.
  double letters_w = 34, letters_h = 26;
  double x = band_mm.x + (band_mm.width - letters_w) / 2;
  double y = band_mm.y + band_mm.height - letters_h - 8;
  if (y < centre_mm.y + ring_mm + 4) y = centre_mm.y + ring_mm + 4;
  DrawGlyph(plate, 'U', ToPx({x, y, 16, letters_h}, ppm), cv::Scalar(255, 255, 255));
  DrawGlyph(plate, 'K', ToPx({x + 18, y, 16, letters_h}, ppm), cv::Scalar(255, 255, 255));
}

// Supplier name and standard mark, 5 mm tall, centred in the bottom margin
// under the characters (too small to draw below about 1 px per 4 mm).
void DrawSupplierMark(cv::Mat& plate, const PlateLayout& layout, double ppm) {
  const double text_h_mm = 5;
  const double height_px = text_h_mm * ppm;
  if (height_px < 3 || layout.glyphs.empty()) return;
  double bottom_mm = 0, left_mm = layout.size_mm.width, right_mm = 0;
  for (const GlyphCell& g : layout.glyphs) {
    bottom_mm = std::max(bottom_mm, g.cell_mm.y + g.cell_mm.height);
    left_mm = std::min(left_mm, g.cell_mm.x);
    right_mm = std::max(right_mm, g.cell_mm.x + g.cell_mm.width);
  }
  const double margin_mm = layout.size_mm.height - bottom_mm;
  if (margin_mm < text_h_mm + 3) return;
  const std::string text = "SYNTH PLATES  BS AU 145e";
  const double scale = height_px / 22.0;  // Hershey cap height ~22 px at scale 1
  int baseline = 0;
  cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline);
  const double centre_px = (left_mm + right_mm) / 2 * ppm;
  const double base_mm = bottom_mm + (margin_mm + text_h_mm) / 2;
  cv::putText(plate, text,
              cv::Point(static_cast<int>(centre_px - size.width / 2.0), static_cast<int>(std::lround(base_mm * ppm))),
              cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(70, 70, 70), 1, cv::LINE_AA);
}

}  // namespace

cv::Mat GlyphMask(char c, cv::Size size, int font) {
  const GlyphBank& bank = Glyphs(font);
  unsigned char u = static_cast<unsigned char>(std::toupper(static_cast<unsigned char>(c)));
  if (u >= bank.mask.size() || size.width <= 0 || size.height <= 0) return {};
  const cv::Mat& src = bank.mask[u];
  if (src.empty()) return {};
  // Every character fills its 50 x 79 mm cell, as on a real plate, except the
  // narrow "1" and "I", which keep their own proportions, centred in the cell
  // (the standard allows them to be narrower than 50 mm).
  cv::Size fill = size;
  if (u == '1' || u == 'I') {
    double aspect = static_cast<double>(src.cols) / src.rows;
    fill.width = std::clamp(static_cast<int>(std::lround(size.height * aspect)), 1, size.width);
  }
  cv::Mat scaled;
  int interp = (fill.height < src.rows) ? cv::INTER_AREA : cv::INTER_LINEAR;
  cv::resize(src, scaled, fill, 0, 0, interp);
  if (fill == size) return scaled;
  cv::Mat out(size, CV_8UC1, cv::Scalar(0));
  scaled.copyTo(out(cv::Rect((size.width - fill.width) / 2, 0, fill.width, fill.height)));
  return out;
}

PlateLayout LayoutPlate(const PlateSpec& spec) {
  PlateLayout layout;
  std::vector<std::string> groups = Groups(spec.text);
  const Pitch pitch = PitchOf(spec);
  layout.has_band = spec.style == PlateStyle::kEu;
  const double band = layout.has_band ? kBandWidthMm : 0;

  if (spec.two_line && groups.size() >= 1) {
    std::string top = groups[0];
    std::string bottom = groups.size() > 1 ? groups[1] : std::string();
    if (groups.size() == 1 && top.size() > 4) {  // "AB12CDE" typed without a space
      bottom = top.substr(4);
      top = top.substr(0, 4);
    }
    double row_w = std::max(GroupWidthMm(top, pitch), GroupWidthMm(bottom, pitch));
    double width = std::max(kSquareWidthMm, band + 2 * kMarginMm + row_w);
    double height = kSquareHeightMm;
    layout.size_mm = {width, height};
    double text_h = 2 * kCharHeightMm + kLineGapMm;
    double y0 = (height - text_h) / 2;
    double avail_x = band, avail_w = width - band;
    PlaceRow({top}, avail_x + (avail_w - GroupWidthMm(top, pitch)) / 2, y0, pitch, layout.glyphs);
    PlaceRow({bottom}, avail_x + (avail_w - GroupWidthMm(bottom, pitch)) / 2,
             y0 + kCharHeightMm + kLineGapMm, pitch, layout.glyphs);
  } else {
    double text_w = 0;
    for (size_t i = 0; i < groups.size(); ++i) {
      text_w += GroupWidthMm(groups[i], pitch) + (i > 0 ? pitch.group_gap_mm : 0);
    }
    double width = std::max(kPlateWidthMm, band + 2 * kMarginMm + text_w);
    layout.size_mm = {width, kPlateHeightMm};
    double avail_w = width - band;
    PlaceRow(groups, band + (avail_w - text_w) / 2, (kPlateHeightMm - kCharHeightMm) / 2, pitch,
             layout.glyphs);
  }
  if (layout.has_band) layout.band_mm = cv::Rect2d(0, 0, kBandWidthMm, layout.size_mm.height);
  return layout;
}

cv::Mat RenderPlateAt(const PlateSpec& spec, double px_per_mm) {
  PlateLayout layout = LayoutPlate(spec);
  cv::Size size(std::max(1, static_cast<int>(std::lround(layout.size_mm.width * px_per_mm))),
                std::max(1, static_cast<int>(std::lround(layout.size_mm.height * px_per_mm))));
  const cv::Scalar& ground = spec.style == PlateStyle::kUkRear ? kYellowBgr : kWhiteBgr;
  cv::Mat plate(size, CV_8UC3, ground);
  DrawDressingUnder(plate, spec, layout, px_per_mm);
  if (layout.has_band) DrawBand(plate, spec, layout.band_mm, px_per_mm);
  for (const GlyphCell& g : layout.glyphs) {
    DrawGlyph(plate, g.c, ToPx(g.cell_mm, px_per_mm), kInkBgr, g.font);
  }
  if (spec.supplier_mark) DrawSupplierMark(plate, layout, px_per_mm);
  DrawDressingOver(plate, spec, layout, px_per_mm);
  return plate;
}

}  // namespace internal

const char* PlateStyleName(PlateStyle style) {
  switch (style) {
    case PlateStyle::kUkFront: return "uk-front";
    case PlateStyle::kUkRear: return "uk-rear";
    case PlateStyle::kEu: return "eu";
  }
  return "unknown";
}

std::string RandomUkPlate(std::mt19937_64& rng) {
  using internal::UniformInt;
  // Current format (since September 2001): memory tag (region letter + local
  // letter), age identifier, three random letters. The rule used here:
  //  - region letters actually allocated: A B C D E F G H K L M N O P R S V W Y
  //    (no I J Q T U X Z; X is for export vehicles, so left out);
  //  - no I, Q or Z anywhere else either (DVLA does not issue I or Q in the
  //    memory tag or the random letters; Z is only an optional random letter,
  //    so leaving it out never makes an unissued plate);
  //  - age identifier: March "02".."26" or September "51".."76" (Sep 2001 to
  //    Sep 2026), fixed here rather than read from the clock, for determinism.
  static const std::string kRegion = "ABCDEFGHKLMNOPRSVWY";
  static const std::string kLetters = "ABCDEFGHJKLMNOPRSTUVWXY";
  std::string out;
  out.push_back(kRegion[static_cast<size_t>(UniformInt(rng, 0, int(kRegion.size()) - 1))]);
  out.push_back(kLetters[static_cast<size_t>(UniformInt(rng, 0, int(kLetters.size()) - 1))]);
  // 25 March identifiers (02-26) and 26 September ones (51-76).
  int k = UniformInt(rng, 0, 25 + 26 - 1);
  int age = k < 25 ? 2 + k : 51 + (k - 25);
  out.push_back(static_cast<char>('0' + age / 10));
  out.push_back(static_cast<char>('0' + age % 10));
  out.push_back(' ');
  for (int i = 0; i < 3; ++i) {
    out.push_back(kLetters[static_cast<size_t>(UniformInt(rng, 0, int(kLetters.size()) - 1))]);
  }
  return out;
}

cv::Mat RenderPlate(const PlateSpec& spec, int char_height_px) {
  return internal::RenderPlateAt(spec, std::max(1, char_height_px) / 79.0);
}

}  // namespace anpr::synth
