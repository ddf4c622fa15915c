#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include "sim/random.h"

namespace hr::sim {
namespace {

TEST(EventQueue, PopsInTimeOrder) {
  EventQueue q;
  Rng r(9);
  for (std::uint32_t i = 0; i < 10'000; ++i) q.Push(static_cast<std::int64_t>(r.Next() % 1000), EventKind::kFinish, i);
  std::int64_t last = -1;
  while (!q.empty()) {
    const Event e = q.Pop();
    ASSERT_GE(e.at, last);
    last = e.at;
  }
}

TEST(EventQueue, SameInstantTickThenFinishThenControlThenArrivalThenByIndex) {
  EventQueue q;
  q.Push(5, EventKind::kArrival, 1);
  q.Push(5, EventKind::kArrival, 2);
  q.Push(5, EventKind::kControl, 3);
  q.Push(5, EventKind::kFinish, 4);
  q.Push(5, EventKind::kTick, 5);
  q.Push(5, EventKind::kFinish, 6);
  q.Push(4, EventKind::kArrival, 7);
  std::vector<std::uint32_t> order;
  while (!q.empty()) order.push_back(q.Pop().index());
  EXPECT_EQ(order, (std::vector<std::uint32_t>{7, 5, 4, 6, 3, 1, 2}));
}

TEST(EventQueue, KindSurvivesTheHeap) {
  EventQueue q;
  q.Push(1, EventKind::kControl, 0);
  EXPECT_EQ(q.Top().kind(), EventKind::kControl);
  EXPECT_EQ(q.Pop().kind(), EventKind::kControl);
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace hr::sim
