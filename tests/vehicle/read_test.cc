#include "vehicle/records/read.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace anpr {
namespace {

TEST(Read, PriorityNamesRoundTripAndOrder) {
  for (Priority p : {Priority::kLow, Priority::kMedium, Priority::kHigh}) {
    Priority parsed{};
    ASSERT_TRUE(ParsePriority(PriorityName(p), &parsed));
    EXPECT_EQ(parsed, p);
  }
  Priority p{};
  EXPECT_TRUE(ParsePriority("HIGH", &p));
  EXPECT_FALSE(ParsePriority("urgent", &p));
  EXPECT_GT(Priority::kHigh, Priority::kMedium);
  EXPECT_GT(Priority::kMedium, Priority::kLow);
}

TEST(Read, UuidsAreVersion4AndDistinct) {
  const std::regex v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string u = NewUuid();
    EXPECT_TRUE(std::regex_match(u, v4)) << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace anpr
