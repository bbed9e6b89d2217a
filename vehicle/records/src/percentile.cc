#include "vehicle/records/percentile.h"

#include <algorithm>
#include <cmath>

namespace anpr {

double Percentile(std::vector<double> samples, double p_percent) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const double p = std::clamp(p_percent, 0.0, 100.0);
  const double rank = p / 100.0 * static_cast<double>(samples.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(samples.size() - 1, lo + 1);
  return samples[lo] + (samples[hi] - samples[lo]) * (rank - static_cast<double>(lo));
}

}  // namespace anpr
