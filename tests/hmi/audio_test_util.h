// Measuring the alert player's output in tests: render a stretch of it, and
// the loudness and pitch of a window of samples.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "hmi/sound.h"

namespace anpr::hmi::testing {

// The next `ms` milliseconds of the player's output.
inline std::vector<int16_t> RenderMs(AlertPlayer& p, int ms) {
  std::vector<int16_t> out(static_cast<size_t>(kSampleRateHz) * ms / 1000);
  p.Render(out.data(), static_cast<int>(out.size()));
  return out;
}

// Root mean square of samples [from, from + count) (0 for none).
inline double Rms(const std::vector<int16_t>& s, size_t from, size_t count) {
  double sum = 0;
  size_t n = 0;
  for (size_t i = from; i < from + count && i < s.size(); ++i, ++n) sum += double(s[i]) * s[i];
  return n ? std::sqrt(sum / double(n)) : 0;
}

// Frequency (Hz) of samples [from, from + count) from their rising zero
// crossings; 0 with fewer than two.
inline double Frequency(const std::vector<int16_t>& s, size_t from, size_t count) {
  int crossings = 0;
  size_t first = 0, last = 0;
  for (size_t i = from + 1; i < from + count && i < s.size(); ++i) {
    if (s[i - 1] < 0 && s[i] >= 0) {
      if (crossings == 0) first = i;
      last = i;
      ++crossings;
    }
  }
  if (crossings < 2) return 0;
  return double(crossings - 1) * kSampleRateHz / double(last - first);
}

}  // namespace anpr::hmi::testing
