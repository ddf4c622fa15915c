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

EventQueue::EventQueue() : coarse_(kCoarseBuckets), late_(kFinePerCoarse) {}

void EventQueue::PushFine(Key k) {
  const int f = FineOf(k);
  if (f <= fine_bucket_) {
    // Into the bucket being consumed: keep it sorted (descending).
    current_.insert(std::upper_bound(current_.begin(), current_.end(), k, std::greater<Key>()), k);
  } else {
    late_[static_cast<std::size_t>(f)].push_back(k);
    Occupy(f);
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
      const auto fi = static_cast<std::size_t>(f);
      if (const std::uint32_t n = count_[fi]; n > 0) {  // else only late events
        const Key* run = dealt_.data() + start_[fi];
        current_.assign(run, run + n);
        consumed_ = start_[fi] + n;
        count_[fi] = 0;
      }
      std::vector<Key>& late = late_[fi];
      if (!late.empty()) [[unlikely]] {
        current_.insert(current_.end(), late.begin(), late.end());
        late.clear();
      }
      in_fine_ -= current_.size();
      // Descending, by insertion: a fine bucket holds a few events.
      for (std::size_t i = 1; i < current_.size(); ++i) {
        const Key k = current_[i];
        std::size_t j = i;
        for (; j > 0 && current_[j - 1] < k; --j) current_[j] = current_[j - 1];
        current_[j] = k;
      }
      return true;
    }
    // This coarse bucket is done: deal out the next one that holds events.
    if (in_coarse_ == 0 && far_.empty()) return false;
    const std::int64_t next = in_coarse_ == 0 ? std::max(coarse_bucket_ + 1, far_.front().at >> kCoarseShift)  // jump
                                              : coarse_bucket_ + 1;
    if ((next << kCoarseShift) > limit) return false;
    Deal(next);
  }
}

void EventQueue::Deal(std::int64_t c) {
  coarse_bucket_ = c;
  fine_bucket_ = -1;
  std::vector<Key>& slot = coarse_[static_cast<std::size_t>(c & (kCoarseBuckets - 1))];
  in_coarse_ -= slot.size();
  while (!far_.empty() && (far_.front().at >> kCoarseShift) == c) {
    const Event e = PopHeap();
    slot.push_back(KeyOf(e.at, e.order));
  }
  for (const Key k : slot) {
    const auto f = static_cast<std::size_t>(FineOf(k));
    if (count_[f]++ == 0) Occupy(static_cast<int>(f));
  }
  // start_[f]: first the end of fine bucket f's run; dealing moves it back to the run's start.
  std::uint32_t end = 0;
  for (std::size_t w = 0; w < std::size(occupied_); ++w) {
    for (std::uint64_t bits = occupied_[w]; bits != 0; bits &= bits - 1) {
      const std::size_t f = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
      end += count_[f];
      start_[f] = end;
    }
  }
  dealt_.resize(slot.size());
  for (const Key k : slot) dealt_[--start_[static_cast<std::size_t>(FineOf(k))]] = k;
  in_fine_ = slot.size();
  consumed_ = announced_ = 0;
  slot.clear();
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
