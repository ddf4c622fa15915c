#include "sim/event_queue.h"

#include <algorithm>

namespace hr::sim {
namespace {
struct Later {
  bool operator()(const Event& a, const Event& b) const { return b < a; }
};
}  // namespace

EventQueue::EventQueue() : wheel_(kBuckets) {}

void EventQueue::Push(std::int64_t at, EventKind kind, std::uint32_t index) {
  const Event e{at, (static_cast<std::uint64_t>(kind) << 32) | index};
  ++size_;
  const std::int64_t b = at >> kShift;
  if (b <= bucket_) {
    // Into the bucket being consumed: keep it sorted (descending).
    current_.insert(std::upper_bound(current_.begin(), current_.end(), e, Later()), e);
  } else if (b < bucket_ + kBuckets) {
    wheel_[static_cast<std::size_t>(b & (kBuckets - 1))].push_back(e);
    ++in_wheel_;
  } else {
    PushHeap(e);
  }
}

void EventQueue::Advance() {
  // REQUIRES: current_ is empty and size_ > 0.
  while (true) {
    if (in_wheel_ == 0) {
      // Nothing within the wheel: jump to the far heap's first bucket.
      bucket_ = std::max(bucket_ + 1, far_.front().at >> kShift);
    } else {
      ++bucket_;
    }
    // Events the wheel now reaches leave the heap.
    while (!far_.empty() && (far_.front().at >> kShift) < bucket_ + kBuckets) {
      const Event e = PopHeap();
      const std::int64_t b = e.at >> kShift;
      if (b == bucket_) {
        current_.push_back(e);
      } else {
        wheel_[static_cast<std::size_t>(b & (kBuckets - 1))].push_back(e);
        ++in_wheel_;
      }
    }
    std::vector<Event>& slot = wheel_[static_cast<std::size_t>(bucket_ & (kBuckets - 1))];
    if (!slot.empty()) {
      in_wheel_ -= slot.size();
      current_.insert(current_.end(), slot.begin(), slot.end());
      slot.clear();
    }
    if (!current_.empty()) {
      std::sort(current_.begin(), current_.end(), Later());
      return;
    }
  }
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
