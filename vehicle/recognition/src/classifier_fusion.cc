// FuseWithClassifier: Tesseract's characters of one line weighed against the
// character classifier's reading of each blob.
#include <algorithm>
#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "vehicle/recognition/char_classifier.h"
#include "vehicle/recognition/recognizer.h"

namespace anpr {
namespace {

// The weight of Tesseract's opinion against the classifier's (0-1) where
// both read one blob, and how sure the classifier must be to read a blob on
// its own (one Tesseract missed, or read as several characters).
constexpr double kTesseractWeight = 0.5;
constexpr double kClassifierSure = 0.8;
constexpr double kMinCharShare = 0.2;

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

}  // namespace anpr
