// Random draws of the training-data generators (src/line_crops.cc,
// src/region_samples.cc): from the raw stream of a seeded std::mt19937_64,
// so that a seed gives the same data on every platform (the standard
// library's distributions may differ between implementations). Not a public
// header.
#pragma once

#include <cstdint>
#include <random>

namespace anpr::recognition_internal {

// Uniform in [lo, hi).
inline double Uniform(std::mt19937_64& rng, double lo, double hi) {
  const double u = static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0);
  return lo + (hi - lo) * u;
}

// Uniform in [lo, hi_inclusive]; lo when the range is empty.
inline int UniformInt(std::mt19937_64& rng, int lo, int hi_inclusive) {
  if (hi_inclusive <= lo) return lo;
  return lo + static_cast<int>(rng() % (static_cast<uint64_t>(hi_inclusive - lo) + 1));
}

// True with probability p.
inline bool Chance(std::mt19937_64& rng, double p) { return Uniform(rng, 0, 1) < p; }

}  // namespace anpr::recognition_internal
