// PrepareLineForOcr: one text line cut out of the frame, upright and
// normalised, with everything dark that is not a character blanked out.
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "vehicle/recognition/recognizer.h"

namespace anpr {
namespace {


// Colour (opponent units, 0-255 scale) beyond the plate ground's own that
// marks a blob as an emblem, band or sticker rather than a black character.
constexpr double kColouredBlob = 30;
// The same for a blob much shorter than the characters beside it.
constexpr double kColouredShortBlob = 18;

}  // namespace

cv::Mat PrepareLineForOcr(const cv::Mat& grey, const cv::Mat& colour, const TextLine& line,
                          int char_px, std::vector<cv::Rect>* char_boxes, const LineCutOptions& options) {
  float len = float(cv::norm(line.corners[1] - line.corners[0]));
  float tall = float(cv::norm(line.corners[3] - line.corners[0]));
  float scale = float(char_px) / std::max(line.char_height_px, 1.0f);
  int w = std::max(8, int(std::lround(len * scale)));
  int h = std::max(8, int(std::lround(tall * scale)));
  std::array<cv::Point2f, 4> dst = {cv::Point2f(0, 0), cv::Point2f(float(w), 0),
                                    cv::Point2f(float(w), float(h)), cv::Point2f(0, float(h))};
  cv::Mat m = cv::getPerspectiveTransform(line.corners.data(), dst.data());
  cv::Mat cut;
  cv::warpPerspective(grey, cut, m, cv::Size(w, h), cv::INTER_CUBIC, cv::BORDER_REPLICATE);
  // Opponent colour (red-green, yellow-blue) of the cut: characters are
  // black, while emblems, coats of arms, bands and stickers are coloured.
  cv::Mat opp_a, opp_b;
  if (!colour.empty() && colour.type() == CV_8UC3) {
    cv::Mat cut_colour;
    cv::warpPerspective(colour, cut_colour, m, cv::Size(w, h), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    std::vector<cv::Mat> ch;
    cut_colour.convertTo(cut_colour, CV_32FC3);
    cv::split(cut_colour, ch);  // B, G, R
    opp_a = ch[2] - ch[1];
    opp_b = (ch[2] + ch[1]) * 0.5f - ch[0];
  }
  if (options.flatten_light) {
    // The ground's light, estimated by closing away every stroke (a
    // character's strokes and counters are under 0.6 of its height), then
    // divided out.
    int k = std::max(3, int(std::lround(0.6f * float(char_px)))) | 1;
    cv::Mat ground;
    cv::morphologyEx(cut, ground, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(k, k)),
                     cv::Point(-1, -1), 1, cv::BORDER_REPLICATE);
    cv::blur(ground, ground, cv::Size(k, k));
    cv::Mat f, g;
    cut.convertTo(f, CV_32F);
    ground.convertTo(g, CV_32F);
    cv::max(g, 1.0f, g);
    cv::divide(f, g, f, 230.0);
    f.convertTo(cut, CV_8U);
  }
  // Stretch between the darkest and lightest 2% so faint night or IR plates
  // read like day ones.
  int hist[256] = {0};
  for (int y = 0; y < cut.rows; ++y) {
    const uchar* p = cut.ptr<uchar>(y);
    for (int x = 0; x < cut.cols; ++x) ++hist[p[x]];
  }
  int total = cut.rows * cut.cols, lo = 0, hi = 255, acc = 0;
  for (; lo < 255; ++lo) {
    acc += hist[lo];
    if (acc > total / 50) break;
  }
  acc = 0;
  for (; hi > 0; --hi) {
    acc += hist[hi];
    if (acc > total / 50) break;
  }
  if (hi - lo < 16) hi = std::min(255, lo + 16);
  cut.convertTo(cut, CV_8U, 255.0 / (hi - lo), -lo * 255.0 / (hi - lo));

  // Blank out everything dark that is not a character: the plate's border
  // and frame, the EU band, screws, hyphens, seals. Tesseract misreads a
  // frame round the text as characters, or reads nothing at all.
  cv::Mat bin, labels, stats, centroids;
  {
    // Otsu's level from the middle `options.level_band` of the cut, applied to all
    // of it: in a cut that takes in much of the vehicle round the plate,
    // the level over the whole cut falls between the dark body and the
    // plate, and faint characters go with the ground.
    cv::Mat band_bin;
    const int b0 = std::clamp(int(std::lround(0.5f * (1 - options.level_band) * float(h))), 0, h - 1);
    const int b1 = std::max(b0 + 1, h - b0);
    double level = cv::threshold(cut.rowRange(b0, b1), band_bin, 0, 255, cv::THRESH_BINARY_INV | cv::THRESH_OTSU);
    cv::threshold(cut, bin, level, 255, cv::THRESH_BINARY_INV);
  }
  // Straight runs far longer than any stroke are the plate's border or
  // frame; a character touching one (tilted plates, blur) would otherwise be
  // one blob with it and be blanked with it. Cut them away first.
  cv::Mat rules;
  {
    cv::Mat horiz, vert;
    int run_h = std::max(3, int(std::lround(1.6f * float(char_px))));
    int run_v = std::max(3, int(std::lround(1.6f * float(char_px))));
    cv::morphologyEx(bin, horiz, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(run_h, 1)));
    cv::morphologyEx(bin, vert, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, run_v)));
    // Between the row's ends (the detector leaves 0.7 character heights of
    // margin beyond the outer characters, where the plate's sides are), a
    // stroke that runs the cut's full height only through the frame's lines
    // is a character joined to the frame, not a rule: there, vertical rules
    // are looked for once the horizontal ones are gone.
    {
      cv::Mat rest = bin.clone(), vert_rest;
      rest.setTo(0, horiz);
      cv::morphologyEx(rest, vert_rest, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(1, run_v)));
      int x0 = std::min(w, int(0.6f * float(char_px))), x1 = std::max(x0, w - int(0.6f * float(char_px)));
      vert_rest.colRange(x0, x1).copyTo(vert.colRange(x0, x1));
    }
    cv::bitwise_or(horiz, vert, rules);
    cv::dilate(rules, rules, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
    bin.setTo(0, rules);
  }
  int n = cv::connectedComponentsWithStats(bin, labels, stats, centroids, 8, CV_32S, cv::CCL_BBDT);
  std::vector<uchar> keep(size_t(std::max(n, 1)), 0);
  const float cp = float(char_px);
  for (int i = 1; i < n; ++i) {
    const int* st = stats.ptr<int>(i);
    int x = st[cv::CC_STAT_LEFT], y = st[cv::CC_STAT_TOP];
    int bw = st[cv::CC_STAT_WIDTH], bh = st[cv::CC_STAT_HEIGHT];
    float cy = y + bh * 0.5f;
    bool touches_side = x <= 0 || x + bw >= w;
    bool ok = bh >= 0.45f * cp && bh <= 1.45f * cp && bw <= 1.3f * cp && !touches_side &&
              cy > 0.25f * float(h) && cy < 0.75f * float(h);
    keep[size_t(i)] = ok ? 1 : 0;
  }
  // Characters that touch one another (small or blurred plates: "KXT") are
  // one blob, too wide for one character. Keep such a blob when it has the
  // kept characters' height and line, so Tesseract still sees them.
  {
    std::vector<int> heights;
    std::vector<float> centres;
    for (int i = 1; i < n; ++i) {
      if (!keep[size_t(i)]) continue;
      heights.push_back(stats.at<int>(i, cv::CC_STAT_HEIGHT));
      centres.push_back(stats.at<int>(i, cv::CC_STAT_TOP) + 0.5f * float(heights.back()));
    }
    if (heights.size() >= 2) {
      std::nth_element(heights.begin(), heights.begin() + long(heights.size() / 2), heights.end());
      std::nth_element(centres.begin(), centres.begin() + long(centres.size() / 2), centres.end());
      const float mh = float(heights[heights.size() / 2]), mc = centres[centres.size() / 2];
      // The characters of one line share one height: with three or more
      // kept, a blob at either end of the row much shorter than the rest is
      // an emblem, a shield, a sticker or part of the EU band beside the
      // characters. (Inside the row a short blob may be a character broken
      // by glare or a frame line, and is left to the reader - unless it is
      // tinted, see below.)
      if (heights.size() >= 3) {
        std::vector<int> order;
        for (int i = 1; i < n; ++i) {
          if (keep[size_t(i)]) order.push_back(i);
        }
        std::sort(order.begin(), order.end(), [&](int a, int b) {
          return stats.at<int>(a, cv::CC_STAT_LEFT) < stats.at<int>(b, cv::CC_STAT_LEFT);
        });
        auto is_short = [&](int i) { return float(stats.at<int>(i, cv::CC_STAT_HEIGHT)) < 0.7f * mh; };
        for (size_t k = 0; k + 2 < order.size() && is_short(order[k]); ++k) keep[size_t(order[k])] = 0;
        for (size_t k = order.size(); k-- > 2 && is_short(order[k]);) keep[size_t(order[k])] = 0;
      }
      for (int i = 1; i < n; ++i) {
        if (keep[size_t(i)]) continue;
        const int* st = stats.ptr<int>(i);
        int x = st[cv::CC_STAT_LEFT], bw = st[cv::CC_STAT_WIDTH], bh = st[cv::CC_STAT_HEIGHT];
        float cy = st[cv::CC_STAT_TOP] + 0.5f * float(bh);
        double fill = double(st[cv::CC_STAT_AREA]) / (double(bw) * bh);
        bool merged = bw > 1.3f * cp && bw <= 4.5f * mh && std::abs(float(bh) - mh) <= 0.12f * mh &&
                      std::abs(cy - mc) <= 0.12f * mh && fill > 0.2 && fill < 0.75 && x > 0 && x + bw < w;
        if (merged) keep[size_t(i)] = 1;
      }
    }
  }
  int coloured = 0;  // character-shaped blobs blanked for their colour
  if (!opp_a.empty()) {
    // A blob is coloured when the colour of its stroke cores (its darker
    // half) cannot be explained as black ink mixed with the plate's ground:
    // thin strokes (W, M, X) and JPEG's half-resolution colour give black
    // letters on a yellow plate a yellow tint, which is not a colour of
    // their own, while a blue band or a red seal is.
    const size_t nb = size_t(std::max(n, 1));
    std::vector<double> grey_sum(nb, 0.0);
    std::vector<int> grey_min(nb, 255);
    double ground_a = 0, ground_b = 0;
    int ground_n = 0;
    for (int y = 0; y < h; ++y) {
      const int* lab = labels.ptr<int>(y);
      const uchar* g = cut.ptr<uchar>(y);
      const float* pa = opp_a.ptr<float>(y);
      const float* pb = opp_b.ptr<float>(y);
      bool middle = y > h / 4 && y < h - h / 4;
      for (int x = 0; x < w; ++x) {
        size_t l = size_t(lab[x]);
        grey_sum[l] += g[x];
        grey_min[l] = std::min<int>(grey_min[l], g[x]);
        if (l == 0 && middle) {
          ground_a += pa[x];
          ground_b += pb[x];
          ++ground_n;
        }
      }
    }
    if (ground_n > 0) {
      ground_a /= ground_n;
      ground_b /= ground_n;
    }
    const double ground2 = ground_a * ground_a + ground_b * ground_b;
    std::vector<double> cut_off(nb, 0.0), sum_a(nb, 0.0), sum_b(nb, 0.0), all_a(nb, 0.0), all_b(nb, 0.0);
    std::vector<int> count(nb, 0);
    for (int i = 1; i < n; ++i) {
      double mean = grey_sum[size_t(i)] / std::max(1, stats.at<int>(i, cv::CC_STAT_AREA));
      cut_off[size_t(i)] = 0.5 * (mean + grey_min[size_t(i)]);
    }
    for (int y = 0; y < h; ++y) {
      const int* lab = labels.ptr<int>(y);
      const uchar* g = cut.ptr<uchar>(y);
      const float* pa = opp_a.ptr<float>(y);
      const float* pb = opp_b.ptr<float>(y);
      for (int x = 0; x < w; ++x) {
        size_t l = size_t(lab[x]);
        if (l == 0) continue;
        all_a[l] += pa[x];
        all_b[l] += pb[x];
        if (g[x] > cut_off[l]) continue;
        sum_a[l] += pa[x];
        sum_b[l] += pb[x];
        ++count[l];
      }
    }
    // Colour of one blob beyond what the ground explains: the part along
    // the ground's colour, up to the ground itself, is removed.
    auto excess = [&](double a, double b) {
      double t = ground2 > 1 ? std::clamp((a * ground_a + b * ground_b) / ground2, 0.0, 1.0) : 0.0;
      return std::hypot(a - t * ground_a, b - t * ground_b);
    };
    // The kept blobs' median height: a short blob inside the row that is
    // tinted at all is an emblem, a seal or a sticker (a coat of arms between
    // the letters), where a character broken by glare is not tinted.
    float median_h = 0;
    {
      std::vector<int> hs;
      for (int i = 1; i < n; ++i) {
        if (keep[size_t(i)]) hs.push_back(stats.at<int>(i, cv::CC_STAT_HEIGHT));
      }
      if (!hs.empty()) {
        std::nth_element(hs.begin(), hs.begin() + long(hs.size() / 2), hs.end());
        median_h = float(hs[hs.size() / 2]);
      }
    }
    for (int i = 1; i < n; ++i) {
      size_t l = size_t(i);
      int area = std::max(1, stats.at<int>(i, cv::CC_STAT_AREA)), core = std::max(1, count[l]);
      // Both the cores and the whole blob: a small emblem's colour is in
      // its lighter half as much as in its darker one.
      double e = std::max(excess(sum_a[l] / core, sum_b[l] / core), excess(all_a[l] / area, all_b[l] / area));
      const bool short_blob = float(stats.at<int>(i, cv::CC_STAT_HEIGHT)) < 0.7f * median_h;
      if ((e > kColouredBlob || (short_blob && e > kColouredShortBlob)) && keep[l]) {
        keep[l] = 0;
        ++coloured;
      }
    }
  }
  // Only the characters' own boxes stay; stickers, seals and dirt between
  // them would otherwise bend the reading of their neighbours.
  cv::Mat near_char(h, w, CV_8UC1, cv::Scalar(0));
  for (int i = 1; i < n; ++i) {
    if (!keep[size_t(i)]) continue;
    const int* st = stats.ptr<int>(i);
    cv::Rect r(st[cv::CC_STAT_LEFT] - 2, st[cv::CC_STAT_TOP] - 2, st[cv::CC_STAT_WIDTH] + 4,
               st[cv::CC_STAT_HEIGHT] + 4);
    near_char(r & cv::Rect(0, 0, w, h)).setTo(255);
  }
  bool any_kept = std::any_of(keep.begin(), keep.end(), [](uchar k) { return k != 0; });
  if (!any_kept && coloured > 0) {
    // Every character-shaped blob is coloured: coloured lettering (a sign,
    // a van's livery), not a plate. Nothing to read.
    if (char_boxes) char_boxes->clear();
    return cv::Mat(h, w, CV_8UC1, cv::Scalar(255));
  }
  for (int y = 0; y < h && any_kept; ++y) {
    const int* lab = labels.ptr<int>(y);
    const uchar* nc = near_char.ptr<uchar>(y);
    const uchar* rl = rules.ptr<uchar>(y);
    uchar* p = cut.ptr<uchar>(y);
    for (int x = 0; x < w; ++x) {
      if ((lab[x] > 0 && !keep[size_t(lab[x])]) || !nc[x] || rl[x]) p[x] = 255;
    }
  }
  // Tesseract is given a raw line (no layout analysis), so the characters
  // should fill most of its height: trim to the kept blobs.
  std::vector<cv::Rect> kept;
  for (int i = 1; i < n; ++i) {
    if (!keep[size_t(i)]) continue;
    const int* st = stats.ptr<int>(i);
    kept.emplace_back(st[cv::CC_STAT_LEFT], st[cv::CC_STAT_TOP], st[cv::CC_STAT_WIDTH], st[cv::CC_STAT_HEIGHT]);
  }
  int top = 0, bottom = h;
  if (!kept.empty()) {
    std::vector<int> tops, bottoms;
    for (const cv::Rect& r : kept) {
      tops.push_back(r.y);
      bottoms.push_back(r.y + r.height);
    }
    std::sort(tops.begin(), tops.end());
    std::sort(bottoms.begin(), bottoms.end());
    int margin = std::max(2, char_px / 8);
    top = std::max(0, tops.front() - margin);
    bottom = std::min(h, bottoms.back() + margin);
  }
  cv::Mat padded;
  int pad_x = char_px / 3, pad_y = std::max(2, char_px / 10);
  cv::copyMakeBorder(cut.rowRange(top, bottom), padded, pad_y, pad_y, pad_x, pad_x, cv::BORDER_CONSTANT,
                     cv::Scalar(255));
  if (char_boxes) {
    *char_boxes = kept;
    for (cv::Rect& r : *char_boxes) r += cv::Point(pad_x, pad_y - top);
    std::sort(char_boxes->begin(), char_boxes->end(), [](const cv::Rect& a, const cv::Rect& b) { return a.x < b.x; });
  }
  return padded;
}

}  // namespace anpr
