#include "vehicle/bounded_queue.h"

#include <gtest/gtest.h>

#include <thread>

namespace anpr {
namespace {

using std::chrono::milliseconds;

TEST(BoundedQueue, DropOldestKeepsNewestAndCountsDrops) {
  BoundedQueue<int> q(3);
  for (int i = 1; i <= 5; ++i) EXPECT_TRUE(q.PushDropOldest(i));
  EXPECT_EQ(q.dropped(), 2u);
  EXPECT_EQ(q.pushed(), 5u);
  EXPECT_EQ(*q.PopFor(milliseconds(0)), 3);
  EXPECT_EQ(*q.PopFor(milliseconds(0)), 4);
  EXPECT_EQ(*q.PopFor(milliseconds(0)), 5);
  EXPECT_FALSE(q.PopFor(milliseconds(1)).has_value());
}

TEST(BoundedQueue, PushWaitNeverDropsUnderASlowConsumer) {
  BoundedQueue<int> q(2);
  constexpr int kItems = 2000;
  std::thread producer([&] {
    for (int i = 0; i < kItems; ++i) ASSERT_TRUE(q.PushWait(i));
  });
  int expected = 0;
  while (expected < kItems) {
    auto v = q.PopFor(milliseconds(1000));
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(*v, expected++);
  }
  producer.join();
  EXPECT_EQ(q.dropped(), 0u);
}

TEST(BoundedQueue, CloseWakesWaitersAndDrains) {
  BoundedQueue<int> q(1);
  ASSERT_TRUE(q.PushWait(7));
  std::thread blocked([&] { EXPECT_FALSE(q.PushWait(8)); });  // full: waits until Close
  std::this_thread::sleep_for(milliseconds(20));
  q.Close();
  blocked.join();
  EXPECT_EQ(*q.PopFor(milliseconds(0)), 7);  // what was queued is still delivered
  EXPECT_FALSE(q.PopFor(milliseconds(0)).has_value());
  EXPECT_FALSE(q.PushDropOldest(9));
}

}  // namespace
}  // namespace anpr
