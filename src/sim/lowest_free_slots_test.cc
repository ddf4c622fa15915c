#include "sim/lowest_free_slots.h"

#include <gtest/gtest.h>

#include <set>

#include "sim/random.h"

namespace hr::sim {
namespace {

// Against a std::set of the free slots: Take always returns the least free slot, or the next
// new one, across many words (and summary words) of the bitmap.
TEST(LowestFreeSlots, AlwaysHandsOutTheLowestFreeSlot) {
  LowestFreeSlots slots;
  std::set<std::uint32_t> free, used;
  Rng r(5);
  for (int step = 0; step < 200'000; ++step) {
    if (used.empty() || r.Next() % 3 != 0) {
      const std::uint32_t expected = free.empty() ? slots.size() : *free.begin();
      const std::uint32_t got = slots.Take();
      ASSERT_EQ(got, expected) << step;
      free.erase(got);
      used.insert(got);
    } else {
      auto it = used.begin();
      std::advance(it, static_cast<long>(r.Next() % std::min<std::size_t>(used.size(), 64)));
      slots.Give(*it);
      free.insert(*it);
      used.erase(it);
    }
  }
  EXPECT_GT(slots.size(), 64u * 64u);  // more than one summary word was used
}

}  // namespace
}  // namespace hr::sim
