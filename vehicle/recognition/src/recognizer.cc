#include "vehicle/recognition/recognizer.h"

#include <algorithm>
#include <map>
#include <cmath>
#include <numeric>

#include <opencv2/imgproc.hpp>
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "vehicle/recognition/char_classifier.h"
#include "vehicle/recognition/plate_syntax.h"

namespace anpr {
namespace {

// Colour (opponent units, 0-255 scale) beyond the plate ground's own that
// marks a blob as an emblem, band or sticker rather than a black character.
constexpr double kColouredBlob = 30;
// The same for a blob much shorter than the characters beside it.
constexpr double kColouredShortBlob = 18;

// No registration (GB or European, one or two lines) has more characters;
// a longer reading is other text (a sign, a van's livery).
constexpr size_t kMaxPlateChars = 10;

// Plate-likeness (PlateRegion::plateness) below which a region is not read
// at all, and below which it is doubtful: a doubtful region's reading must
// fit a registration, and its confidence is lowered so that the tracker
// does not make a read of it from one frame alone.
constexpr double kNotAPlate = 0.2;
constexpr double kDoubtfulPlate = 0.5;
constexpr double kDoubtfulConfidence = 0.75;

// The weight of Tesseract's opinion against the classifier's (0-1) where
// both read one blob, and how sure the classifier must be to read a blob on
// its own (one Tesseract missed, or read as several characters).
constexpr double kTesseractWeight = 0.5;
constexpr double kClassifierSure = 0.8;
constexpr double kMinCharShare = 0.2;

// A line read short is read again from a cut this much taller, taken to
// hold characters this much taller than the detector measured.
constexpr float kTallerCut = 1.35f;
constexpr float kTallerChars = 1.15f;

// A blob at most this many character heights wide is one character.
constexpr float kSingleCharWidth = 1.3f;

CharChoice FromClassifier(const std::vector<std::pair<char, float>>& read) {
  CharChoice c;
  c.best = read[0].first;
  c.confidence = 100 * read[0].second;
  for (size_t i = 1; i < read.size() && c.alternatives.size() < 4; ++i) {
    if (read[i].first != kNotAChar && read[i].second >= 0.01f) c.alternatives.emplace_back(read[i].first, 100 * read[i].second);
  }
  return c;
}

CharChoice Fuse(const CharChoice& t, const std::vector<std::pair<char, float>>& read) {
  std::map<char, double> score;
  score[t.best] += kTesseractWeight * t.confidence / 100;
  for (const auto& [c, conf] : t.alternatives) score[c] += kTesseractWeight * conf / 100;
  // Tesseract read a character on this blob, so the classifier's opinion
  // is taken as given that it is one: its character probabilities are
  // renormalised without "not a character" (which it gives to heavy,
  // condensed plate fonts it has seen too little of) - but by no more than
  // 1 / kMinCharShare, so that the crumbs of a blob it is sure is no
  // character do not overrule Tesseract.
  double chars_p = 0;
  for (const auto& [c, p] : read) chars_p += c != kNotAChar ? double(p) : 0.0;
  chars_p = std::max(chars_p, kMinCharShare);
  for (const auto& [c, p] : read) {
    if (c != kNotAChar) score[c] += (1 - kTesseractWeight) * p / chars_p;
  }
  std::vector<std::pair<char, float>> ranked;
  for (const auto& [c, v] : score) ranked.emplace_back(c, float(std::min(100.0, 100 * v)));
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (ranked.empty()) return t;
  CharChoice out;
  out.best = ranked[0].first;
  out.confidence = ranked[0].second;
  for (size_t i = 1; i < ranked.size() && out.alternatives.size() < 4; ++i) {
    if (ranked[i].second >= 1) out.alternatives.push_back(ranked[i]);
  }
  return out;
}

// Each of Tesseract's characters (`boxes`, left to right) to a blob, in
// order: LSTM boxes are loose and often reach well into the next character,
// so the most-overlapped blob is not always the right one, while the order
// of the characters is. The assignment keeps that order and minimises the
// distance of each character's centre from its blob's, with a penalty for
// more characters on one blob than its width holds.
std::vector<std::vector<size_t>> AlignToBlobs(const std::vector<cv::Rect>& boxes, const std::vector<cv::Rect>& blobs) {
  const size_t n = boxes.size(), m = blobs.size();
  std::vector<std::vector<size_t>> on(m);
  if (n == 0 || m == 0) return on;
  std::vector<int> hs;
  for (const cv::Rect& b : blobs) hs.push_back(b.height);
  std::nth_element(hs.begin(), hs.begin() + long(hs.size() / 2), hs.end());
  const double ch = std::max(1, hs[hs.size() / 2]);
  constexpr double kCrowded = 0.5;  // per character beyond what a blob holds
  auto holds = [&](size_t j) { return std::max(1, int(std::lround(blobs[j].width / (0.7 * ch)))); };
  auto dist = [&](size_t i, size_t j) {
    return std::abs((boxes[i].x + 0.5 * boxes[i].width) - (blobs[j].x + 0.5 * blobs[j].width)) / ch;
  };
  // cost[i][j][k]: characters 0..i placed, i on blob j as its k-th (0-based).
  const double kInf = 1e18;
  std::vector<double> cost(n * m * n, kInf);
  std::vector<int> from(n * m * n, -1);
  auto at = [&](size_t i, size_t j, size_t k) { return (i * m + j) * n + k; };
  for (size_t j = 0; j < m; ++j) cost[at(0, j, 0)] = dist(0, j);
  for (size_t i = 1; i < n; ++i) {
    for (size_t j = 0; j < m; ++j) {
      for (size_t k = 0; k < i; ++k) {
        double c = cost[at(i - 1, j, k)];
        if (c >= kInf) continue;
        // Character i on the same blob as i-1.
        double same = c + dist(i, j) + (int(k + 1) >= holds(j) ? kCrowded : 0.0);
        if (same < cost[at(i, j, k + 1)]) { cost[at(i, j, k + 1)] = same; from[at(i, j, k + 1)] = int(at(i - 1, j, k)); }
        for (size_t j2 = j + 1; j2 < m; ++j2) {
          double next = c + dist(i, j2);
          if (next < cost[at(i, j2, 0)]) { cost[at(i, j2, 0)] = next; from[at(i, j2, 0)] = int(at(i - 1, j, k)); }
        }
      }
    }
  }
  size_t best = 0;
  double best_cost = kInf;
  for (size_t j = 0; j < m; ++j) {
    for (size_t k = 0; k < n; ++k) {
      if (cost[at(n - 1, j, k)] < best_cost) { best_cost = cost[at(n - 1, j, k)]; best = at(n - 1, j, k); }
    }
  }
  std::vector<size_t> blob_of(n, 0);
  for (size_t i = n; i-- > 0;) {
    blob_of[i] = (best / n) % m;
    if (i > 0) best = size_t(from[best]);
  }
  for (size_t i = 0; i < n; ++i) on[blob_of[i]].push_back(i);
  return on;
}

}  // namespace

std::vector<CharChoice> FuseWithClassifier(const std::vector<CharChoice>& tess, const std::vector<cv::Rect>& boxes,
                                           const std::vector<cv::Rect>& blobs,
                                           const std::vector<std::vector<std::pair<char, float>>>& blob_reads) {
  if (blobs.empty() || blob_reads.size() != blobs.size() || boxes.size() != tess.size()) return tess;
  for (size_t i = 0; i < tess.size(); ++i) {
    bool touches = false;
    for (size_t j = 0; j < blobs.size() && !touches; ++j) {
      touches = std::min(blobs[j].x + blobs[j].width, boxes[i].x + boxes[i].width) > std::max(blobs[j].x, boxes[i].x);
    }
    if (!touches) return tess;  // a character off every blob: leave the reading alone
  }
  std::vector<std::vector<size_t>> on = AlignToBlobs(boxes, blobs);
  std::vector<CharChoice> out;
  for (size_t j = 0; j < blobs.size(); ++j) {
    const auto& read = blob_reads[j];
    const std::vector<size_t>& t = on[j];
    bool sure = !read.empty() && read[0].first != kNotAChar && read[0].second >= kClassifierSure;
    if (read.empty() || (t.size() > 1 && !sure)) {
      for (size_t i : t) out.push_back(tess[i]);
    } else if (t.size() == 1) {
      out.push_back(Fuse(tess[t[0]], read));
    } else if (sure) {
      out.push_back(FromClassifier(read));
    }
  }
  return out;
}

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

double ReadingConfidence(const std::vector<float>& char_confidence) {
  if (char_confidence.empty()) return 0;
  double sum = std::accumulate(char_confidence.begin(), char_confidence.end(), 0.0);
  double mean = sum / double(char_confidence.size());
  double low = *std::min_element(char_confidence.begin(), char_confidence.end());
  return 0.5 * mean + 0.5 * low;
}

std::vector<PlateCandidate> MakeCandidates(const std::vector<CharChoice>& chars,
                                           const std::string& best_text, double best_confidence,
                                           Region region, int max) {
  std::vector<PlateCandidate> out;
  out.push_back({best_text, best_confidence});
  if (chars.size() != best_text.size()) return out;
  struct Sub {
    size_t pos;
    char c;
    double conf;
  };
  std::vector<Sub> subs;
  for (size_t i = 0; i < chars.size(); ++i) {
    for (const auto& [c, conf] : chars[i].alternatives) {
      if (c == best_text[i]) continue;
      // Replacing one character: the reading is as sure as that alternative.
      subs.push_back({i, c, std::min<double>(best_confidence, conf)});
    }
    // The read character itself, when the syntax fit replaced it.
    if (chars[i].best != best_text[i]) {
      subs.push_back({i, chars[i].best, std::min<double>(best_confidence, chars[i].confidence * 0.5)});
    }
  }
  std::sort(subs.begin(), subs.end(), [](const Sub& a, const Sub& b) { return a.conf > b.conf; });
  for (const Sub& s : subs) {
    if (int(out.size()) >= max) break;
    std::string t = best_text;
    t[s.pos] = s.c;
    bool dup = std::any_of(out.begin(), out.end(), [&](const PlateCandidate& p) { return p.vrm == t; });
    if (dup) continue;
    // Prefer alternatives that are valid registrations.
    double conf = s.conf * (ClassifyPlate(t, region) == "none" ? 0.6 : 1.0);
    out.push_back({t, conf});
  }
  std::sort(out.begin() + 1, out.end(),
            [](const PlateCandidate& a, const PlateCandidate& b) { return a.confidence > b.confidence; });
  return out;
}

Recognizer::Recognizer(const RecognizerOptions& options, std::unique_ptr<PlateReader> reader)
    : options_(options), detector_(options.detector), reader_(std::move(reader)) {}

Recognizer::~Recognizer() = default;

Result<std::unique_ptr<Recognizer>> Recognizer::Create(const RecognizerOptions& options) {
  auto reader = PlateReader::Create(options.reader);
  if (!reader.ok()) return reader.status();
  std::unique_ptr<Recognizer> rec(new Recognizer(options, std::move(reader.value())));
  if (options.use_char_classifier) {
    std::string path = options.char_model_path.empty() ? DefaultCharModelPath() : options.char_model_path;
    auto classifier = CharClassifier::Load(path);
    if (classifier.ok()) {
      rec->classifier_ = std::move(classifier.value());
    } else {
      spdlog::warn("recognizer: {}; reading with Tesseract alone", classifier.status().message());
    }
  }
  return rec;
}

std::vector<CharChoice> Recognizer::ReadLine(const cv::Mat& frame, const cv::Mat& grey, const TextLine& line,
                                             int char_px, const LineCutOptions& options) {
  std::vector<cv::Rect> blobs;
  cv::Mat cut = PrepareLineForOcr(grey, frame, line, char_px, &blobs, options);
  std::vector<cv::Rect> boxes;
  std::vector<CharChoice> part = reader_->ReadLine(cut, &boxes);
  // Keep only characters Tesseract placed on a character-like blob: what
  // it reads into the margin or between blobs is a border, band or seal.
  // (LSTM boxes are loose, so half an overlap is enough.)
  std::vector<CharChoice> kept;
  std::vector<cv::Rect> kept_boxes;
  for (size_t i = 0; i < part.size(); ++i) {
    bool on_blob = blobs.empty();
    if (i < boxes.size()) {
      for (const cv::Rect& b : blobs) {
        int overlap = std::min(b.x + b.width, boxes[i].x + boxes[i].width) - std::max(b.x, boxes[i].x);
        if (overlap >= std::min(b.width, boxes[i].width) / 3) { on_blob = true; break; }
      }
    }
    if (on_blob) {
      kept.push_back(std::move(part[i]));
      if (i < boxes.size()) kept_boxes.push_back(boxes[i]);
    }
  }
  if (classifier_ && !blobs.empty()) {
    // The classifier's reading of every blob one character wide.
    std::vector<std::vector<std::pair<char, float>>> reads(blobs.size());
    const cv::Rect all(0, 0, cut.cols, cut.rows);
    for (size_t j = 0; j < blobs.size(); ++j) {
      if (float(blobs[j].width) > kSingleCharWidth * float(char_px)) continue;
      cv::Rect r = cv::Rect(blobs[j].x - 1, blobs[j].y - 1, blobs[j].width + 2, blobs[j].height + 2) & all;
      if (r.area() > 0) reads[j] = classifier_->Classify(cut(r));
    }
    kept = FuseWithClassifier(kept, kept_boxes, blobs, reads);
  }
  return kept;
}

namespace {

// Whether a second reading of `again` characters is nearer the detector's
// `count` than the first one's `kept` (one that also took in the frame or
// small print is not).
bool Closer(size_t again, size_t kept, int count) {
  return std::abs(int(again) - count) < std::abs(int(kept) - count);
}

}  // namespace

std::vector<CharChoice> Recognizer::ReadLines(const cv::Mat& frame, const cv::Mat& grey,
                                              const PlateRegion& region, int char_px) {
  std::vector<CharChoice> chars;
  for (const TextLine& line : region.lines) {
    std::vector<CharChoice> kept = ReadLine(frame, grey, line, char_px);
    if (int(kept.size()) < line.char_count - 1) {
      // Two or more of the characters the detector separated were not read:
      // the detector's blobs of faint characters, or of characters touching
      // the plate's frame, are often short, so its line may clip them (and
      // the frame then takes their tops or bottoms with it). Read once more
      // with a taller cut; keep the reading nearer the detector's count.
      TextLine tall = line;
      const cv::Point2f mid_l = (line.corners[0] + line.corners[3]) * 0.5f;
      const cv::Point2f mid_r = (line.corners[1] + line.corners[2]) * 0.5f;
      tall.corners[0] = mid_l + (line.corners[0] - mid_l) * kTallerCut;
      tall.corners[3] = mid_l + (line.corners[3] - mid_l) * kTallerCut;
      tall.corners[1] = mid_r + (line.corners[1] - mid_r) * kTallerCut;
      tall.corners[2] = mid_r + (line.corners[2] - mid_r) * kTallerCut;
      tall.char_height_px = line.char_height_px * kTallerChars;
      LineCutOptions taller;
      taller.level_band = 1 / kTallerCut;
      std::vector<CharChoice> again = ReadLine(frame, grey, tall, char_px, taller);
      if (Closer(again.size(), kept.size(), line.char_count)) kept = std::move(again);
    }
    if (int(kept.size()) < line.char_count - 1 && region.plateness >= kDoubtfulPlate) {
      // Still short: characters under a glare spot, in a lamp's falloff or
      // faint beside a dark surround go with the ground at the cut's one
      // level. Once more with the light evened out - on a plate-like region only, since evening
      // out the light of a facade or a grille makes characters of it.
      LineCutOptions flat;
      flat.flatten_light = true;
      std::vector<CharChoice> again = ReadLine(frame, grey, line, char_px, flat);
      if (Closer(again.size(), kept.size(), line.char_count)) kept = std::move(again);
    }
    for (CharChoice& c : kept) chars.push_back(std::move(c));
  }
  return chars;
}

std::vector<CharChoice> CombineReadings(const std::vector<std::vector<CharChoice>>& readings) {
  // The length most readings agree on (ties: the larger total confidence).
  std::map<size_t, std::pair<int, double>> by_length;
  for (const auto& r : readings) {
    auto& e = by_length[r.size()];
    ++e.first;
    for (const CharChoice& c : r) e.second += c.confidence;
  }
  size_t length = 0;
  std::pair<int, double> most{-1, 0};
  for (const auto& [len, e] : by_length) {
    if (len > 0 && e > most) { most = e; length = len; }
  }
  std::vector<CharChoice> out;
  if (most.first <= 0) return out;
  for (size_t i = 0; i < length; ++i) {
    std::map<char, double> votes;
    for (const auto& r : readings) {
      if (r.size() != length) continue;
      votes[r[i].best] += r[i].confidence;
      for (const auto& [c, conf] : r[i].alternatives) votes[c] += 0.5 * conf;
    }
    CharChoice c;
    double best = -1;
    for (const auto& [ch, w] : votes) {
      if (w > best) { best = w; c.best = ch; }
    }
    c.confidence = float(std::min(100.0, best / most.first));
    for (const auto& [ch, w] : votes) {
      if (ch != c.best) c.alternatives.emplace_back(ch, float(std::min(100.0, w / most.first)));
    }
    std::sort(c.alternatives.begin(), c.alternatives.end(),
              [](const auto& x, const auto& y) { return x.second > y.second; });
    out.push_back(std::move(c));
  }
  return out;
}

bool Recognizer::ReadRegion(const cv::Mat& frame, const cv::Mat& grey, const PlateRegion& region,
                            PlateObservation* out) {
  std::vector<std::vector<CharChoice>> readings;
  for (int char_px : options_.read_char_heights_px) readings.push_back(ReadLines(frame, grey, region, char_px));
  std::vector<CharChoice> chars = CombineReadings(readings);
  if (int(chars.size()) < options_.min_chars || chars.size() > kMaxPlateChars) return false;
  // The reading as read and one character shorter (a border, screw or
  // band read as a character): the one the region's syntax supports.
  std::vector<LengthVariant> variants =
      FitLengthVariants(chars, options_.region, size_t(std::max(options_.min_chars, 1)), &ReadingConfidence);
  const bool doubtful = region.plateness < kDoubtfulPlate;
  if (doubtful) {
    // A doubtful region gets less benefit of the doubt: a character may be
    // dropped only at an end (a seal or screw beside the plate), never from
    // the middle until sign text fits a format (M1NO -> M10).
    const int last = int(chars.size()) - 1;
    const int d = variants[0].dropped;
    for (size_t i = 0; d > 0 && d < last && i < variants.size(); ++i) {
      if (variants[i].dropped < 0) {
        std::rotate(variants.begin(), variants.begin() + long(i), variants.begin() + long(i) + 1);
        break;
      }
    }
  }
  chars = variants[0].chars;
  SyntaxFit fit = variants[0].fit;
  double confidence = ReadingConfidence(fit.char_confidence);
  if (doubtful) {
    // Text on an open light field (a van's side, a sign board) that reads
    // as no registration is that text, not a plate.
    if (fit.syntax == "none") return false;
    confidence *= kDoubtfulConfidence;
  }
  if (confidence < options_.min_confidence) return false;
  out->text = fit.text;
  out->confidence = confidence;
  out->syntax = fit.syntax;
  out->chars = chars;
  for (size_t i = 0; i < out->chars.size() && i < fit.text.size(); ++i) {
    CharChoice& c = out->chars[i];
    if (c.best != fit.text[i]) {
      // Keep what the OCR saw as an alternative of the fixed character.
      std::vector<std::pair<char, float>> alts;
      alts.reserve(c.alternatives.size() + 1);
      alts.emplace_back(c.best, c.confidence);
      for (const auto& a : c.alternatives) {
        if (a.first != fit.text[i]) alts.push_back(a);
      }
      c.alternatives = std::move(alts);
      c.best = fit.text[i];
    }
    c.confidence = fit.char_confidence[i] * float(doubtful ? kDoubtfulConfidence : 1.0);
  }
  std::vector<PlateCandidate> cands = MakeCandidates(chars, fit.text, confidence, options_.region, 5);
  // The other lengths stay as candidates (for 'similar' hotlist matches),
  // after the single-character substitutions, while there is room; ones
  // fitting a format first.
  std::stable_sort(variants.begin() + 1, variants.end(),
                   [](const LengthVariant& a, const LengthVariant& b) { return a.matches > b.matches; });
  for (size_t v = 1; v < variants.size() && cands.size() < 5; ++v) {
    const std::string& t = variants[v].fit.text;
    if (t.empty()) continue;
    bool dup = std::any_of(cands.begin(), cands.end(), [&](const PlateCandidate& p) { return p.vrm == t; });
    if (dup) continue;
    double c = std::min(confidence, variants[v].confidence) * (variants[v].matches ? 0.8 : 0.5);
    cands.push_back({t, c});
  }
  std::sort(cands.begin() + 1, cands.end(),
            [](const PlateCandidate& a, const PlateCandidate& b) { return a.confidence > b.confidence; });
  out->candidates.assign(cands.begin() + 1, cands.end());
  out->corners = region.corners;
  out->box = region.box;
  if (options_.keep_patch) {
    float w = float(cv::norm(region.corners[1] - region.corners[0]));
    float h = float(cv::norm(region.corners[3] - region.corners[0]));
    int pw = std::max(8, int(w)), ph = std::max(8, int(h));
    std::array<cv::Point2f, 4> dst = {cv::Point2f(0, 0), cv::Point2f(float(pw), 0),
                                      cv::Point2f(float(pw), float(ph)), cv::Point2f(0, float(ph))};
    cv::Mat m = cv::getPerspectiveTransform(region.corners.data(), dst.data());
    cv::warpPerspective(frame, out->patch, m, cv::Size(pw, ph), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  }
  return true;
}

std::vector<PlateObservation> Recognizer::Recognize(const cv::Mat& frame) {
  std::vector<PlateObservation> out;
  if (frame.empty()) return out;
  cv::Mat grey;
  if (frame.channels() == 3) {
    cv::cvtColor(frame, grey, cv::COLOR_BGR2GRAY);
  } else if (frame.channels() == 4) {
    cv::cvtColor(frame, grey, cv::COLOR_BGRA2GRAY);
  } else {
    grey = frame;
  }
  std::vector<PlateRegion> regions = detector_.Detect(grey);
  int reads = 0;
  for (const PlateRegion& r : regions) {
    if (reads >= options_.max_reads_per_frame) break;
    // Not a plate by its surroundings (no light ground round the row, or
    // no contrast): not read, and not counted against the frame's reads.
    if (r.plateness < kNotAPlate) continue;
    ++reads;
    PlateObservation obs;
    if (ReadRegion(frame, grey, r, &obs)) out.push_back(std::move(obs));
  }
  std::sort(out.begin(), out.end(), [](const PlateObservation& a, const PlateObservation& b) {
    return a.confidence > b.confidence;
  });
  return out;
}

}  // namespace anpr
