#include "sim/event_queue.h"

#include <algorithm>
#include <bit>
#include <functional>

namespace hr::sim {
namespace {
struct Later {
  bool operator()(const Event& a, const Event& b) const { return b < a; }
};
}  // namespace

EventQueue::EventQueue() : coarse_(kCoarseBuckets), fine_(kFinePerCoarse) {}

void EventQueue::PushFine(Key k) {
  const int f = FineOf(k);
  if (f <= fine_bucket_) {
    // Into the bucket being consumed: keep it sorted (descending).
    current_.insert(std::upper_bound(current_.begin(), current_.end(), k, std::greater<Key>()), k);
  } else {
    AddFine(k);
    ++in_fine_;
  }
}

bool EventQueue::Advance(std::int64_t limit) {
  while (true) {
    if (in_fine_ > 0) {
      // The next fine bucket of this coarse bucket that holds events.
      const int f = NextOccupied();
      if ((coarse_bucket_ << kCoarseShift) + (std::int64_t{f} << kFineShift) > limit) return false;
      fine_bucket_ = f;
      occupied_[static_cast<std::size_t>(f / 64)] &= ~(std::uint64_t{1} << (f % 64));
      std::vector<Key>& slot = fine_[static_cast<std::size_t>(f)];
      in_fine_ -= slot.size();
      ++buckets_entered_;
      current_.swap(slot);
      std::sort(current_.begin(), current_.end(), std::greater<Key>());
      return true;
    }
    // This coarse bucket is done: deal out the next one that holds events.
    if (in_coarse_ == 0 && far_.empty()) return false;
    const std::int64_t next = in_coarse_ == 0 ? std::max(coarse_bucket_ + 1, far_.front().at >> kCoarseShift)  // jump
                                              : coarse_bucket_ + 1;
    if ((next << kCoarseShift) > limit) return false;
    coarse_bucket_ = next;
    fine_bucket_ = -1;
    std::vector<Key>& slot = coarse_[static_cast<std::size_t>(coarse_bucket_ & (kCoarseBuckets - 1))];
    for (const Key k : slot) AddFine(k);
    in_fine_ += slot.size();
    in_coarse_ -= slot.size();
    slot.clear();
    while (!far_.empty() && (far_.front().at >> kCoarseShift) == coarse_bucket_) {
      const Event e = PopHeap();
      AddFine(KeyOf(e.at, e.order));
      ++in_fine_;
    }
  }
}

void EventQueue::AddFine(Key k) {
  const int f = FineOf(k);
  fine_[static_cast<std::size_t>(f)].push_back(k);
  occupied_[static_cast<std::size_t>(f / 64)] |= std::uint64_t{1} << (f % 64);
}

int EventQueue::NextOccupied() const {
  const int from = fine_bucket_ + 1;
  auto w = static_cast<std::size_t>(from / 64);
  std::uint64_t bits = occupied_[w] & (~std::uint64_t{0} << (from % 64));
  while (bits == 0) bits = occupied_[++w];
  return static_cast<int>(w * 64) + std::countr_zero(bits);
}

void EventQueue::PushHeap(const Event& e) {
  far_.push_back(e);
  std::push_heap(far_.begin(), far_.end(), Later());
}

Event EventQueue::PopHeap() {
  std::pop_heap(far_.begin(), far_.end(), Later());
  const Event e = far_.back();
  far_.pop_back();
  return e;
}

}  // namespace hr::sim
