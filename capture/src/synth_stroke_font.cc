// The project's own plate characters, drawn as strokes of one width along
// centre lines, as the plate typefaces are built: DIN 1451 (continental
// plates) and the UK's mandatory plate font both have near-constant stroke
// width, stadium-shaped rounds, a closed-top 4 and a flagged 1 without a
// foot. The shapes below follow those traits, not any font file.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "capture/src/synth_internal.h"

namespace anpr::synth::internal {
namespace {

// Centre lines on a 5 x 8 unit box, y down. Angles in degrees, image
// convention (0 right, 90 down), swept from a0 to a1 in either direction.
using Path = std::vector<cv::Point2d>;

void Arc(Path& p, double cx, double cy, double rx, double ry, double a0, double a1) {
  const int steps = std::max(4, static_cast<int>(std::abs(a1 - a0) / 6));
  for (int i = 0; i <= steps; ++i) {
    const double a = (a0 + (a1 - a0) * i / steps) * CV_PI / 180;
    p.emplace_back(cx + rx * std::cos(a), cy + ry * std::sin(a));
  }
}

Path Line(std::initializer_list<cv::Point2d> pts) { return Path(pts); }

// A stadium (the round of 0, O, and of C, G when open on the right).
Path Stadium(double open_deg) {
  Path p;
  Arc(p, 2.5, 2.5, 2.5, 2.5, 360 - open_deg, 180);
  Arc(p, 2.5, 5.5, 2.5, 2.5, 180, open_deg);
  return p;
}

std::vector<Path> Strokes(char c) {
  switch (c) {
    case '0': { Path p; Arc(p, 2.5, 2.5, 2.5, 2.5, 180, 360); Arc(p, 2.5, 5.5, 2.5, 2.5, 0, 180);
                p.push_back(p.front()); return {p}; }
    case 'O': { Path p; Arc(p, 2.5, 4, 2.5, 4, 0, 360); return {p}; }
    case '1': return {Line({{0.6, 1.9}, {3, 0}, {3, 8}})};
    case '2': { Path p; Arc(p, 2.5, 2.4, 2.4, 2.4, 195, 380); p.push_back({0, 8}); p.push_back({5, 8}); return {p}; }
    case '3': { Path p; Arc(p, 2.5, 2, 2.2, 2, 200, 450); Arc(p, 2.5, 6, 2.5, 2, 270, 520); return {p}; }
    case '4': return {Line({{3.8, 8}, {3.8, 0}, {0, 5.6}, {5, 5.6}})};
    case '5': { Path p = Line({{4.7, 0}, {0.6, 0}, {0.3, 3.7}}); Arc(p, 2.5, 5.4, 2.5, 2.6, 235, 520); return {p}; }
    case '6': { Path a; Arc(a, 2.5, 5.5, 2.5, 2.5, 0, 360); Path b; Arc(b, 5.2, 5.5, 5.2, 5.5, 180, 250); return {a, b}; }
    case '7': return {Line({{0, 0}, {5, 0}, {1.6, 8}})};
    case '8': { Path a; Arc(a, 2.5, 2, 2.2, 2, 0, 360); Path b; Arc(b, 2.5, 6, 2.5, 2, 0, 360); return {a, b}; }
    case '9': { Path a; Arc(a, 2.5, 2.5, 2.5, 2.5, 0, 360); Path b; Arc(b, -0.2, 2.5, 5.2, 5.5, 0, 70); return {a, b}; }
    case 'A': return {Line({{0, 8}, {2.5, 0}, {5, 8}}), Line({{1.2, 5.4}, {3.8, 5.4}})};
    case 'B': { Path p = Line({{0, 4}, {0, 0}, {2.8, 0}}); Arc(p, 2.8, 2, 1.9, 2, -90, 90);
                p.push_back({0, 4}); p.push_back({3, 4}); Arc(p, 3, 6, 2, 2, -90, 90);
                p.push_back({0, 8}); p.push_back({0, 4}); return {p}; }
    case 'C': return {Stadium(40)};
    case 'D': { Path p = Line({{0, 0}, {0, 8}, {2, 8}}); Arc(p, 2, 5, 3, 3, 90, 0); Arc(p, 2, 3, 3, 3, 0, -90);
                p.push_back({0, 0}); return {p}; }
    case 'E': return {Line({{5, 0}, {0, 0}, {0, 8}, {5, 8}}), Line({{0, 4}, {4, 4}})};
    case 'F': return {Line({{5, 0}, {0, 0}, {0, 8}}), Line({{0, 4}, {4, 4}})};
    case 'G': { Path p; Arc(p, 2.5, 2.5, 2.5, 2.5, 320, 180); Arc(p, 2.5, 5.5, 2.5, 2.5, 180, 0);
                p.push_back({5, 4.2}); p.push_back({2.8, 4.2}); return {p}; }
    case 'H': return {Line({{0, 0}, {0, 8}}), Line({{5, 0}, {5, 8}}), Line({{0, 4}, {5, 4}})};
    case 'I': return {Line({{2.5, 0}, {2.5, 8}})};
    case 'J': { Path p = Line({{4.2, 0}, {4.2, 5.6}}); Arc(p, 2.1, 5.6, 2.1, 2.4, 0, 165); return {p}; }
    case 'K': return {Line({{0, 0}, {0, 8}}), Line({{5, 0}, {0, 5.3}}), Line({{1.7, 3.5}, {5, 8}})};
    case 'L': return {Line({{0, 0}, {0, 8}, {5, 8}})};
    case 'M': return {Line({{0, 8}, {0, 0}, {2.5, 5}, {5, 0}, {5, 8}})};
    case 'N': return {Line({{0, 8}, {0, 0}, {5, 8}, {5, 0}})};
    case 'P': { Path p = Line({{0, 8}, {0, 0}, {2.8, 0}}); Arc(p, 2.8, 2.2, 2.2, 2.2, -90, 90); p.push_back({0, 4.4}); return {p}; }
    case 'Q': { Path p; Arc(p, 2.5, 4, 2.5, 4, 0, 360); return {p, Line({{3, 5.6}, {5, 8.2}})}; }
    case 'R': { Path p = Line({{0, 8}, {0, 0}, {2.8, 0}}); Arc(p, 2.8, 2.2, 2.2, 2.2, -90, 90); p.push_back({0, 4.4});
                return {p, Line({{2.4, 4.4}, {5, 8}})}; }
    case 'S': { Path p; Arc(p, 2.5, 2, 2.4, 2, -20, -270); Arc(p, 2.5, 6, 2.5, 2, -90, 160); return {p}; }
    case 'T': return {Line({{0, 0}, {5, 0}}), Line({{2.5, 0}, {2.5, 8}})};
    case 'U': { Path p = Line({{0, 0}, {0, 5.5}}); Arc(p, 2.5, 5.5, 2.5, 2.5, 180, 0); p.push_back({5, 0}); return {p}; }
    case 'V': return {Line({{0, 0}, {2.5, 8}, {5, 0}})};
    case 'W': return {Line({{0, 0}, {1.25, 8}, {2.5, 2.4}, {3.75, 8}, {5, 0}})};
    case 'X': return {Line({{0, 0}, {5, 8}}), Line({{5, 0}, {0, 8}})};
    case 'Y': return {Line({{0, 0}, {2.5, 4.2}, {5, 0}}), Line({{2.5, 4.2}, {2.5, 8}})};
    case 'Z': return {Line({{0, 0}, {5, 0}, {0, 8}, {5, 8}})};
    default: return {};
  }
}

}  // namespace

cv::Mat StrokeGlyphMask(char c, int height_px, double stroke) {
  const std::vector<Path> strokes = Strokes(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (strokes.empty() || height_px < 4) return {};
  // The centre lines span 8 units; the ink adds half a stroke all round.
  const double thick_units = std::clamp(stroke, 0.05, 0.3) * 8 / (1 - std::clamp(stroke, 0.05, 0.3));
  const double unit_px = height_px / (8 + thick_units);
  const int pad = static_cast<int>(std::ceil(thick_units * unit_px)) + 2;
  cv::Mat canvas(height_px + 2 * pad, static_cast<int>(std::ceil(5.5 * unit_px)) + 2 * pad, CV_8UC1, cv::Scalar(0));
  constexpr int kShift = 4;
  const double k = unit_px * (1 << kShift);
  const double off = (pad + thick_units * unit_px / 2) * (1 << kShift);
  for (const Path& path : strokes) {
    std::vector<cv::Point> pts;
    for (const cv::Point2d& q : path) {
      pts.emplace_back(static_cast<int>(std::lround(q.x * k + off)), static_cast<int>(std::lround(q.y * k + off)));
    }
    cv::polylines(canvas, pts, false, cv::Scalar(255), std::max(1, static_cast<int>(std::lround(thick_units * unit_px))),
                  cv::LINE_AA, kShift);
  }
  cv::Mat nz;
  cv::findNonZero(canvas > 8, nz);
  if (nz.empty()) return {};
  return canvas(cv::boundingRect(nz)).clone();
}

}  // namespace anpr::synth::internal
