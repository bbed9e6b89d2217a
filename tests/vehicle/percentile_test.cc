#include "vehicle/records/percentile.h"

#include <gtest/gtest.h>

namespace anpr {
namespace {

TEST(Percentile, EmptyIsZero) { EXPECT_EQ(Percentile({}, 50), 0); }

TEST(Percentile, InterpolatesBetweenRanks) {
  const std::vector<double> v = {40, 10, 30, 20};  // unsorted on purpose
  EXPECT_DOUBLE_EQ(Percentile(v, 0), 10);
  EXPECT_DOUBLE_EQ(Percentile(v, 50), 25);
  EXPECT_DOUBLE_EQ(Percentile(v, 100), 40);
  EXPECT_DOUBLE_EQ(Percentile(v, 95), 38.5);
}

TEST(Percentile, OutOfRangeIsClamped) {
  EXPECT_DOUBLE_EQ(Percentile({1, 2, 3}, 250), 3);
  EXPECT_DOUBLE_EQ(Percentile({1, 2, 3}, -5), 1);
}

}  // namespace
}  // namespace anpr
