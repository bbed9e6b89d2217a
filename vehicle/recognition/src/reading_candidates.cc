// A reading's confidence, the vote of several readings of one plate, and
// the whole-reading alternatives (candidates) from per-character choices.
#include <algorithm>
#include <map>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "vehicle/recognition/plate_syntax.h"
#include "vehicle/recognition/recognizer.h"

namespace anpr {

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

}  // namespace anpr
