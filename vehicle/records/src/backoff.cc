#include "vehicle/records/backoff.h"

#include <algorithm>

namespace anpr {

Backoff::Backoff(int64_t initial_ms, int64_t max_ms, bool jitter, uint64_t seed)
    : initial_ms_(std::max<int64_t>(1, initial_ms)),
      max_ms_(std::max(max_ms, initial_ms_)),
      jitter_(jitter),
      rng_(seed) {}

int64_t Backoff::NextDelayMs() {
  // Cap the shift so the doubling cannot overflow however long a device stays away.
  const int shift = std::min(attempt_, 30);
  const int64_t delay = std::min(max_ms_, initial_ms_ << shift);
  ++attempt_;
  if (!jitter_) return delay;
  std::uniform_int_distribution<int64_t> dist(delay / 2, delay);
  return dist(rng_);
}

}  // namespace anpr
