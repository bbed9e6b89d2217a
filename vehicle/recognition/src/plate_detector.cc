#include "vehicle/recognition/plate_detector.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <opencv2/imgproc.hpp>

#include "vehicle/recognition/src/grey.h"

namespace anpr {
namespace {

// A blob that may be one character, in search-level pixels.
struct Blob {
  cv::Rect rect;
  float cx = 0, cy = 0;
};

// Heights searched per pyramid level; the next level (half size) takes over
// above kLevelMaxCharPx so the adaptive threshold window stays a fixed size.
constexpr int kLevelMaxCharPx = 44;

// One pass of the blob search: an adaptive threshold (window side, and how
// much darker than the window's mean a pixel must be to count as ink), the
// tallest characters it looks for, and whether rules are cut away first.
struct Threshold {
  int block_px;
  double offset;
  int max_char_px;  // 0: the level's (kLevelMaxCharPx)
  bool cut_rules;
};
// The main pass at every level.
constexpr Threshold kCoarse{25, 7, 0, false};
// A second pass on the first level (the frame, or the frame scaled down to
// max_search_side_px) for small characters, up to 20 px tall, on faint or
// low-contrast plates, whose strokes the wide window's mean and offset wash
// out: a window about one character wide and a smaller offset. Such small
// characters often touch the plate's frame, so rules are cut away. Its rows
// are ranked with the others, so it only adds candidates.
constexpr Threshold kFine{15, 5, 20, true};
// Horizontal ink runs at least this long (level pixels) are rules, not
// strokes: a plate's border or frame, or the shadow of its recess, that
// touches the tops or bottoms of the characters and would join them into one
// blob. Twice the widest stroke of the largest character the fine pass looks
// for; a row of even three such characters is longer.
constexpr int kRuleMinLengthPx = 40;

// The characters of one row, found at one pyramid level.
struct Row {
  std::vector<Blob> blobs;
  float height = 0;  // median blob height
};

std::vector<Blob> FindBlobs(const cv::Mat& grey, int min_h, int max_h, bool light_on_dark, Threshold t) {
  cv::Mat bin;
  cv::adaptiveThreshold(grey, bin, 255, cv::ADAPTIVE_THRESH_MEAN_C,
                        light_on_dark ? cv::THRESH_BINARY : cv::THRESH_BINARY_INV, t.block_px,
                        light_on_dark ? -t.offset : t.offset);
  if (t.cut_rules && grey.cols > kRuleMinLengthPx) {
    cv::Mat rules;
    cv::morphologyEx(bin, rules, cv::MORPH_OPEN,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(kRuleMinLengthPx, 1)));
    bin -= rules;
  }
  cv::Mat labels, stats, centroids;
  int n = cv::connectedComponentsWithStats(bin, labels, stats, centroids, 8, CV_32S, cv::CCL_BBDT);
  std::vector<Blob> blobs;
  for (int i = 1; i < n; ++i) {
    const int* s = stats.ptr<int>(i);
    int w = s[cv::CC_STAT_WIDTH], h = s[cv::CC_STAT_HEIGHT], area = s[cv::CC_STAT_AREA];
    if (h < min_h || h > max_h) continue;
    if (w < 2 || w * 10 > h * 13 || w * 10 < h) continue;
    double fill = double(area) / (double(w) * h);
    // Solid blobs are not characters, except a narrow bar: I (and 1 in
    // some fonts) fills its box.
    if (fill < 0.12 || (fill > 0.92 && w * 20 > h * 7)) continue;
    Blob b;
    b.rect = {s[cv::CC_STAT_LEFT], s[cv::CC_STAT_TOP], w, h};
    b.cx = b.rect.x + w * 0.5f;
    b.cy = b.rect.y + h * 0.5f;
    blobs.push_back(b);
  }
  return blobs;
}

// Cost of `b` following `a` in one row of characters, or negative when it
// cannot: similar height, to the right within about one character height,
// on nearly the same line (20 degrees of tilt moves the next character's
// centre by about a quarter of its height).
float LinkCost(const Blob& a, const Blob& b) {
  float ha = float(a.rect.height), hb = float(b.rect.height);
  float ratio = ha > hb ? ha / hb : hb / ha;
  if (ratio > 1.3f) return -1;
  float h = std::max(ha, hb);
  float gap = float(b.rect.x - (a.rect.x + a.rect.width));
  if (b.cx <= a.cx || gap < -0.2f * h || gap > 1.1f * h) return -1;
  float dy = std::abs(b.cy - a.cy);
  if (dy > 0.4f * h) return -1;
  return std::max(gap, 0.0f) / h + 2 * dy / h + (ratio - 1);
}

std::vector<Row> LinkRows(std::vector<Blob>& blobs) {
  std::sort(blobs.begin(), blobs.end(), [](const Blob& a, const Blob& b) { return a.rect.x < b.rect.x; });
  const size_t n = blobs.size();
  std::vector<int> next(n, -1), prev(n, -1);
  std::vector<float> next_cost(n, 1e9f), prev_cost(n, 1e9f);
  for (size_t i = 0; i < n; ++i) {
    const Blob& a = blobs[i];
    float reach = a.rect.x + a.rect.width + 1.2f * a.rect.height * 1.3f;
    for (size_t j = i + 1; j < n && blobs[j].rect.x <= reach; ++j) {
      float c = LinkCost(a, blobs[j]);
      if (c < 0) continue;
      if (c < next_cost[i]) { next_cost[i] = c; next[i] = int(j); }
      if (c < prev_cost[j]) { prev_cost[j] = c; prev[j] = int(i); }
    }
  }
  std::vector<Row> rows;
  for (size_t i = 0; i < n; ++i) {
    // Start a row at a blob nobody links to (mutually best links only).
    bool has_prev = prev[i] >= 0 && next[size_t(prev[i])] == int(i);
    if (has_prev) continue;
    Row row;
    int k = int(i);
    while (k >= 0) {
      row.blobs.push_back(blobs[size_t(k)]);
      int nx = next[size_t(k)];
      k = (nx >= 0 && prev[size_t(nx)] == k) ? nx : -1;
    }
    if (row.blobs.size() < 2) continue;
    std::vector<float> hs;
    for (const Blob& b : row.blobs) hs.push_back(float(b.rect.height));
    std::nth_element(hs.begin(), hs.begin() + long(hs.size() / 2), hs.end());
    row.height = hs[hs.size() / 2];
    rows.push_back(std::move(row));
  }
  return rows;
}

// Joins rows that continue one another across a wider gap (an emblem, a
// seal or the group gap on EU plates), when they are on the same line.
void JoinRows(std::vector<Row>& rows) {
  std::sort(rows.begin(), rows.end(),
            [](const Row& a, const Row& b) { return a.blobs.front().rect.x < b.blobs.front().rect.x; });
  bool joined = true;
  while (joined) {
    joined = false;
    for (size_t i = 0; i < rows.size() && !joined; ++i) {
      for (size_t j = 0; j < rows.size() && !joined; ++j) {
        if (i == j) continue;
        Row& a = rows[i];
        Row& b = rows[j];
        float ratio = a.height > b.height ? a.height / b.height : b.height / a.height;
        if (ratio > 1.25f) continue;
        const Blob& last = a.blobs.back();
        const Blob& first = b.blobs.front();
        float h = std::max(a.height, b.height);
        float gap = float(first.rect.x - (last.rect.x + last.rect.width));
        if (gap < -0.1f * h || gap > 2.2f * h) continue;
        if (std::abs(first.cy - last.cy) > 0.35f * h) continue;
        if (a.blobs.size() + b.blobs.size() > 12) continue;
        a.blobs.insert(a.blobs.end(), b.blobs.begin(), b.blobs.end());
        a.height = std::max(a.height, b.height);
        rows.erase(rows.begin() + long(j));
        joined = true;
      }
    }
  }
}

// The row's quadrilateral at frame scale, or false when it is not plate-like.
bool RowToLine(const Row& row, float to_frame, TextLine* line) {
  const size_t n = row.blobs.size();
  if (n < 3 || n > 12) return false;
  std::vector<cv::Point2f> centres;
  for (const Blob& b : row.blobs) centres.emplace_back(b.cx, b.cy);
  cv::Vec4f fit;
  cv::fitLine(centres, fit, cv::DIST_HUBER, 0, 0.01, 0.01);
  cv::Point2f u(fit[0], fit[1]);
  if (u.x < 0) u = -u;
  double angle_deg = std::atan2(u.y, u.x) * 180.0 / CV_PI;
  if (std::abs(angle_deg) > 25) return false;
  cv::Point2f nrm(-u.y, u.x);
  cv::Point2f origin(fit[2], fit[3]);
  float s_min = 1e9f, s_max = -1e9f;
  for (const Blob& b : row.blobs) {
    for (float dx : {0.f, float(b.rect.width)}) {
      for (float dy : {0.f, float(b.rect.height)}) {
        cv::Point2f p(b.rect.x + dx - origin.x, b.rect.y + dy - origin.y);
        float s = p.dot(u);
        s_min = std::min(s_min, s);
        s_max = std::max(s_max, s);
      }
    }
  }
  // A tilted character's box is taller than the character; undo that.
  float char_h = row.height * float(std::cos(angle_deg * CV_PI / 180.0));
  float margin_s = 0.7f * char_h;
  float half_t = 0.5f * char_h + 0.25f * char_h;
  s_min -= margin_s;
  s_max += margin_s;
  auto at = [&](float s, float t) { return (origin + u * s + nrm * t) * to_frame; };
  line->corners = {at(s_min, -half_t), at(s_max, -half_t), at(s_max, half_t), at(s_min, half_t)};
  line->char_height_px = char_h * to_frame;
  line->char_count = int(n);
  return true;
}

cv::Point2f Centre(const TextLine& l) {
  return (l.corners[0] + l.corners[1] + l.corners[2] + l.corners[3]) * 0.25f;
}

float LineLength(const TextLine& l) { return float(cv::norm(l.corners[1] - l.corners[0])); }

double LineScore(const TextLine& l) {
  // Plates carry 4 to 8 characters per line; fewer or more is less likely.
  int n = l.char_count;
  double s = n >= 4 && n <= 9 ? 10.0 : (n == 3 ? 6.0 : 4.0);
  return s + std::min<double>(n, 8) * 0.5;
}

cv::Rect BoundsOf(const std::array<cv::Point2f, 4>& q, const cv::Size& frame) {
  std::vector<cv::Point2f> pts(q.begin(), q.end());
  cv::Rect r = cv::boundingRect(pts);
  return r & cv::Rect(0, 0, frame.width, frame.height);
}

double Iou(const cv::Rect& a, const cv::Rect& b) {
  double inter = (a & b).area();
  double uni = double(a.area()) + b.area() - inter;
  return uni > 0 ? inter / uni : 0;
}

// Plate-likeness (PlateLikeness): least contrast between a plate's ground
// and characters (grey levels; eu-dev plates have 59 or more, night and IR
// plates are stretched by their lamps), least light fraction of the margin
// above or below, and the light fraction of the least light row beyond the
// margin above which the ground is taken to go on (an open field).
constexpr double kMinPlateContrast = 35;
constexpr double kMinMarginLight = 0.45;
// A margin one or two pixels thin (tight European plates) is one light row:
// nearly all of it light, which the tops of light lettering on a dark body
// are not.
constexpr double kMinThinMarginLight = 0.85;
constexpr double kOpenField = 0.6;

// What surrounds one row of characters, as the fraction of each band that is
// as light as the characters' ground (0-1).
struct LineLook {
  double top = 0, bottom = 0, left = 0, right = 0;              // the margins
  double top_row = 0, bottom_row = 0;  // the lightest row of the top and bottom margins
  double top_out = 0, bottom_out = 0, left_out = 0, right_out = 0;  // beyond them
  double contrast = 0;  // ground minus ink, grey levels
};

LineLook MeasureLine(const cv::Mat& grey, const TextLine& line) {
  LineLook look;
  constexpr int kPx = 16;  // character height in the patch
  const float ch = std::max(line.char_height_px, 1.0f);
  const float k = float(kPx) / ch;
  float len = float(cv::norm(line.corners[1] - line.corners[0]));
  float tall = float(cv::norm(line.corners[3] - line.corners[0]));
  int lw = std::max(8, int(std::lround(len * k))), lh = std::max(8, int(std::lround(tall * k)));
  if (lw > 40 * kPx) return look;
  const int P = 2 * kPx, Q = kPx;
  const int W = lw + 2 * P, H = lh + 2 * Q;
  std::array<cv::Point2f, 4> dst = {cv::Point2f(float(P), float(Q)), cv::Point2f(float(P + lw), float(Q)),
                                    cv::Point2f(float(P + lw), float(Q + lh)), cv::Point2f(float(P), float(Q + lh))};
  cv::Mat m = cv::getPerspectiveTransform(line.corners.data(), dst.data());
  cv::Mat patch;
  cv::warpPerspective(grey, patch, m, cv::Size(W, H), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  const int cy = Q + lh / 2, y0 = cy - kPx / 2, y1 = cy + kPx / 2;
  const int x0 = P + int(0.7f * kPx), x1 = std::max(x0 + 1, P + lw - int(0.7f * kPx));
  const cv::Rect all(0, 0, W, H);
  cv::Rect band = cv::Rect(x0, y0, x1 - x0, y1 - y0) & all;
  if (band.area() <= 0) return look;
  int hist[256] = {0};
  for (int y = band.y; y < band.y + band.height; ++y) {
    const uchar* p = patch.ptr<uchar>(y);
    for (int x = band.x; x < band.x + band.width; ++x) ++hist[p[x]];
  }
  auto percentile = [&](double f) {
    int want = int(f * band.area()), acc = 0;
    for (int v = 0; v < 256; ++v) {
      acc += hist[v];
      if (acc > want) return v;
    }
    return 255;
  };
  const int ink = percentile(0.05), ground = percentile(0.85);
  look.contrast = ground - ink;
  const int thr = ink + std::max(8, (ground - ink) / 2);
  auto light = [&](cv::Rect r) {
    r &= all;
    if (r.area() <= 0) return 0.0;
    int n = 0;
    for (int y = r.y; y < r.y + r.height; ++y) {
      const uchar* p = patch.ptr<uchar>(y);
      for (int x = r.x; x < r.x + r.width; ++x) n += p[x] >= thr;
    }
    return double(n) / r.area();
  };
  look.top = light(cv::Rect(x0, y0 - 3, x1 - x0, 3));
  look.bottom = light(cv::Rect(x0, y1, x1 - x0, 3));
  // The lightest single row of each margin: many European plates leave only
  // a pixel or two between their characters and the frame, or a line of
  // small print below them.
  auto row_light = [&](int y) { return light(cv::Rect(x0, y, x1 - x0, 1)); };
  auto lightest_row = [&](int from) {
    double best = 0;
    for (int y = from; y < from + 3; ++y) best = std::max(best, row_light(y));
    return best;
  };
  look.top_row = lightest_row(y0 - 3);
  look.bottom_row = lightest_row(y1);
  // The least light row (column) between the margin and a character height
  // (1.8 at the ends) beyond: low where the plate's edge, border or frame is.
  auto edge_rows = [&](int from, int to) {
    double lo = 1;
    for (int y = from; y < to; ++y) lo = std::min(lo, row_light(y));
    return lo;
  };
  auto edge_cols = [&](int from, int to) {
    double lo = 1;
    for (int x = from; x < to; ++x) lo = std::min(lo, light(cv::Rect(x, y0 + 2, 1, y1 - y0 - 4)));
    return lo;
  };
  look.top_out = edge_rows(y0 - kPx, y0 - 1);
  look.bottom_out = edge_rows(y1 + 1, y1 + kPx);
  look.left = light(cv::Rect(x0 - 7, y0 + 2, 5, y1 - y0 - 4));
  look.right = light(cv::Rect(x1 + 2, y0 + 2, 5, y1 - y0 - 4));
  look.left_out = edge_cols(x0 - 29, x0 - 1);
  look.right_out = edge_cols(x1 + 1, x1 + 29);
  return look;
}

}  // namespace

double PlateLikeness(const cv::Mat& grey, const PlateRegion& region) {
  if (region.lines.empty() || grey.empty() || grey.type() != CV_8UC1) return 1;
  double score = 1;
  for (size_t i = 0; i < region.lines.size(); ++i) {
    LineLook l = MeasureLine(grey, region.lines[i]);
    // Dark characters on a light ground, with a quiet margin of that ground
    // above or below them (a plate's margin is 0.2 character heights; one
    // side may be cut short by a tilted or tight frame). Low contrast or no
    // light ground round the row: texture, a grille, light lettering on a
    // dark body.
    if (l.contrast < kMinPlateContrast ||
        (std::max(l.top, l.bottom) < kMinMarginLight && std::max(l.top_row, l.bottom_row) < kMinThinMarginLight)) {
      return 0;
    }
    // The light ground ends within a character height above and below (the
    // plate's edge, border or frame). Text on a large light field - a van's
    // side, a sign board - does not; nor does a plate on a body of its own
    // colour, so this only weakens the candidate. Between the two lines of
    // a two-line plate the ground goes on.
    // At the row's ends the ground ends within 1.8 character heights (a
    // plate's end margin is about half a character height; an EU band is
    // nearer still).
    bool outer_top = i == 0, outer_bottom = i + 1 == region.lines.size();
    if ((outer_top && l.top_out > kOpenField) || (outer_bottom && l.bottom_out > kOpenField) ||
        std::max(l.left_out, l.right_out) > kOpenField) {
      score = 0.4;
    }
  }
  return score;
}

std::vector<PlateRegion> PlateDetector::Detect(const cv::Mat& frame) const {
  std::vector<PlateRegion> plates;
  if (frame.empty()) return plates;
  cv::Mat grey = recognition_internal::ToGrey(frame);
  if (grey.depth() != CV_8U) grey.convertTo(grey, CV_8U);
  double scale = 1.0;
  int longest = std::max(grey.cols, grey.rows);
  if (longest > options_.max_search_side_px) scale = double(options_.max_search_side_px) / longest;
  cv::Mat level;
  if (scale < 1.0) {
    cv::resize(grey, level, cv::Size(), scale, scale, cv::INTER_AREA);
  } else {
    level = grey;
  }

  std::vector<TextLine> lines;
  double level_scale = scale;
  int min_h = options_.min_char_height_px;
  for (int k = 0; k < 4; ++k) {
    if (level.cols < 32 || level.rows < 16) break;
    int max_h = kLevelMaxCharPx;
    for (bool light : {false, true}) {
      if (light && !options_.light_on_dark) continue;
      std::vector<Threshold> passes = {kCoarse};
      if (k == 0 && !light) passes.push_back(kFine);
      for (const Threshold& t : passes) {
        std::vector<Blob> blobs =
            FindBlobs(level, min_h, t.max_char_px > 0 ? t.max_char_px : max_h, light, t);
        std::vector<Row> rows = LinkRows(blobs);
        JoinRows(rows);
        for (const Row& row : rows) {
          TextLine line;
          if (RowToLine(row, float(1.0 / level_scale), &line)) lines.push_back(line);
        }
      }
    }
    // The next level covers characters from just below this level's top.
    if (double(kLevelMaxCharPx) / level_scale >= options_.max_char_height_px * scale) break;
    cv::Mat half;
    cv::pyrDown(level, half);
    level = half;
    level_scale *= 0.5;
    min_h = kLevelMaxCharPx / 2 - 4;
  }

  // Two-line plates: a row right under another of similar height and extent.
  std::vector<bool> used(lines.size(), false);
  std::vector<PlateRegion> found;
  for (size_t i = 0; i < lines.size(); ++i) {
    for (size_t j = 0; j < lines.size(); ++j) {
      if (i == j || used[i] || used[j]) continue;
      const TextLine& top = lines[i];
      const TextLine& bottom = lines[j];
      float h = std::max(top.char_height_px, bottom.char_height_px);
      float ratio = top.char_height_px / bottom.char_height_px;
      if (ratio < 0.6f || ratio > 1.5f) continue;
      cv::Point2f d = Centre(bottom) - Centre(top);
      if (d.y < 0.9f * h || d.y > 1.8f * h || std::abs(d.x) > 0.5f * std::max(LineLength(top), LineLength(bottom)))
        continue;
      PlateRegion p;
      p.lines = {top, bottom};
      p.corners = {top.corners[0], top.corners[1], bottom.corners[2], bottom.corners[3]};
      p.box = BoundsOf(p.corners, grey.size());
      p.score = LineScore(top) + LineScore(bottom) - 4;
      used[i] = used[j] = true;
      found.push_back(std::move(p));
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (used[i]) continue;
    PlateRegion p;
    p.lines = {lines[i]};
    p.corners = lines[i].corners;
    p.box = BoundsOf(p.corners, grey.size());
    p.score = LineScore(lines[i]);
    found.push_back(std::move(p));
  }
  // Plate-like surroundings first, then doubtful ones, then the rest; by
  // score within each: texture (a grille, foliage, brickwork) makes rows of
  // blob-like shapes that may score as well as a plate's characters, but
  // not with a plate's quiet light ground round them.
  for (PlateRegion& p : found) p.plateness = PlateLikeness(grey, p);
  std::sort(found.begin(), found.end(), [](const PlateRegion& a, const PlateRegion& b) {
    if (a.plateness != b.plateness) return a.plateness > b.plateness;
    if (a.score != b.score) return a.score > b.score;
    return a.box.area() > b.box.area();
  });
  // The same plate found at two pyramid levels: keep the better one.
  for (PlateRegion& p : found) {
    if (p.box.area() <= 0) continue;
    bool dup = false;
    for (const PlateRegion& q : plates) {
      if (Iou(p.box, q.box) > 0.4) { dup = true; break; }
    }
    if (dup) continue;
    plates.push_back(std::move(p));
    if (int(plates.size()) >= options_.max_plates) break;
  }
  return plates;
}

}  // namespace anpr
