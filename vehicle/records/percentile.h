// Percentiles of latency samples, one definition for every figure the
// programs print (`anpr bench`, `anpr hmi latency`, the unit's summary).
#pragma once

#include <vector>

namespace anpr {

// The p-th percentile (0 <= p_percent <= 100) of `samples`, linearly
// interpolated between the two nearest ranks; 0 for no samples. Takes a copy
// because it sorts.
double Percentile(std::vector<double> samples, double p_percent);

}  // namespace anpr
