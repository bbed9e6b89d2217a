#include "vehicle/records/backoff.h"

#include <gtest/gtest.h>

namespace anpr {
namespace {

TEST(Backoff, DoublesUpToTheCapWithoutJitter) {
  Backoff b(100, 1000, /*jitter=*/false);
  EXPECT_EQ(b.NextDelayMs(), 100);
  EXPECT_EQ(b.NextDelayMs(), 200);
  EXPECT_EQ(b.NextDelayMs(), 400);
  EXPECT_EQ(b.NextDelayMs(), 800);
  EXPECT_EQ(b.NextDelayMs(), 1000);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(b.NextDelayMs(), 1000);  // no overflow
  b.Reset();
  EXPECT_EQ(b.NextDelayMs(), 100);
}

TEST(Backoff, JitterStaysWithinHalfToFullDelay) {
  Backoff b(100, 10000, /*jitter=*/true, /*seed=*/42);
  int64_t expected = 100;
  for (int i = 0; i < 8; ++i) {
    const int64_t d = b.NextDelayMs();
    EXPECT_GE(d, expected / 2);
    EXPECT_LE(d, expected);
    expected = std::min<int64_t>(expected * 2, 10000);
  }
}

}  // namespace
}  // namespace anpr
