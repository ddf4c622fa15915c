#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include "sim/random.h"

#include <set>
#include <vector>

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

// Pushes while popping (never before the last popped time), across the wheel's buckets, past
// its span (the far heap) and after gaps (the jump): every pop is the least event queued, as
// a sorted set running the same pushes and pops says.
TEST(EventQueue, MatchesASortedSetAcrossBucketsTheFarHeapAndGaps) {
  EventQueue q;
  std::set<unsigned __int128> reference;
  Rng r(17);
  std::uint32_t next_index = 0;
  auto push = [&](std::int64_t at) {
    const EventKind kind = static_cast<EventKind>(r.Next() % 4);
    const std::uint32_t index = next_index++;
    q.Push(at, kind, index);
    reference.insert(Event{at, (static_cast<std::uint64_t>(kind) << 32) | index}.key());
  };
  for (int i = 0; i < 2000; ++i) push(static_cast<std::int64_t>(r.Next() % 20'000'000'000ull));  // 0..20 s
  push(3'600'000'000'000);  // an hour later: the jump
  std::size_t pops = 0;
  while (!q.empty()) {
    ASSERT_EQ(q.size(), reference.size());
    ASSERT_EQ(q.Top().key(), *reference.begin());
    const Event e = q.Pop();
    ASSERT_EQ(e.key(), *reference.begin()) << pops;
    reference.erase(reference.begin());
    if (++pops < 5000) {
      // Now, within a millisecond, within the wheel, and beyond it.
      const std::int64_t deltas[] = {0, static_cast<std::int64_t>(r.Next() % 1'000'000),
                                     static_cast<std::int64_t>(r.Next() % 3'000'000'000ull),
                                     static_cast<std::int64_t>(r.Next() % 60'000'000'000ull)};
      push(e.at + deltas[r.Next() % 4]);
    }
  }
  EXPECT_TRUE(reference.empty());
  EXPECT_GT(pops, 6000u);
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
