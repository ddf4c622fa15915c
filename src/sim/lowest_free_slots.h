#pragma once
// LowestFreeSlots: hands out the lowest free slot number of a growing table, so that the slots
// in use stay packed at the front of it.
//
// The simulation keeps each running invocation in a slot of a table that grows to the run's
// peak concurrency (a cold-start burst can make that several times the steady level). Reusing
// the most recently freed slot would spread the live invocations over the whole table as time
// goes on; the lowest free one keeps them in as few cache lines and pages as are live, which
// is what makes a finishing invocation's slot cheap to reach.
//
// A two-level bitmap: one bit per slot (set = free), one bit per 64-slot word that has a free
// slot. Take and Give are a few word operations. Who calls it: sim/simulation.h. Not
// thread-safe.

#include <bit>
#include <cstdint>
#include <vector>

namespace hr::sim {

class LowestFreeSlots {
 public:
  // The lowest free slot, marked in use; a new slot (== the count handed out so far) when
  // none is free.
  std::uint32_t Take() {
    for (std::size_t s = 0; s < summary_.size(); ++s) {
      if (summary_[s] == 0) continue;
      const std::size_t w = s * 64 + static_cast<std::size_t>(std::countr_zero(summary_[s]));
      const auto bit = static_cast<unsigned>(std::countr_zero(free_[w]));
      free_[w] &= free_[w] - 1;
      if (free_[w] == 0) summary_[s] &= ~(std::uint64_t{1} << (w % 64));
      return static_cast<std::uint32_t>(w * 64 + bit);
    }
    const std::uint32_t slot = size_++;
    if (slot / 64 >= free_.size()) {
      free_.push_back(0);
      if ((free_.size() - 1) / 64 >= summary_.size()) summary_.push_back(0);
    }
    return slot;
  }
  // REQUIRES: `slot` came from Take and is not free.
  void Give(std::uint32_t slot) {
    const std::size_t w = slot / 64;
    free_[w] |= std::uint64_t{1} << (slot % 64);
    summary_[w / 64] |= std::uint64_t{1} << (w % 64);
  }
  // Slots handed out so far: the table's size.
  std::uint32_t size() const { return size_; }

 private:
  std::vector<std::uint64_t> free_;     // bit i of word w: slot 64w + i is free
  std::vector<std::uint64_t> summary_;  // bit j of word s: word 64s + j has a free slot
  std::uint32_t size_ = 0;
};

}  // namespace hr::sim
