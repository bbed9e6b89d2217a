// Exponential backoff with full jitter, shared by every reconnecting client
// (camera, gpsd, depot). Jitter spreads a fleet of cars reconnecting after a
// depot restart so they do not arrive in lockstep.
#pragma once

#include <cstdint>
#include <random>

namespace anpr {

class Backoff {
 public:
  // Delays grow as initial_ms * 2^attempt, capped at max_ms. With jitter on,
  // the delay returned is uniform in [delay/2, delay]. Not thread-safe.
  Backoff(int64_t initial_ms, int64_t max_ms, bool jitter = true, uint64_t seed = std::random_device{}());

  // The delay to wait before the next attempt; advances the attempt count.
  int64_t NextDelayMs();
  // Call after a success: the next failure starts again from initial_ms.
  void Reset() { attempt_ = 0; }
  int attempt() const { return attempt_; }

 private:
  int64_t initial_ms_;
  int64_t max_ms_;
  bool jitter_;
  int attempt_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace anpr
