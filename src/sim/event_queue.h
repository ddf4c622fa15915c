#pragma once
// EventQueue: the simulator's virtual-time agenda — a calendar queue (a wheel of time
// buckets) of 16-byte PODs, with a heap for events beyond the wheel.
//
// Events are ordered by time, then by kind (at the same instant: the second's tick first,
// then finished invocations, control-plane changes, and arrivals last, so that capacity freed
// at t is available to a request arriving at t), then by index (the arrival source, the
// running invocation's slot). At most one event per (kind, index) is ever queued, so the
// order is total and the same on every run: no tie is left to the data structure.
//
// Virtual time only moves forward, which the wheel relies on: an event may not be pushed
// before the last popped one. Each bucket covers 2^20 ns (about 1 ms) and is sorted once,
// when the queue reaches it; the wheel spans 4,096 buckets (about 4.3 s) and later events
// wait in the heap until the wheel comes near them. A push is an append, a pop is a
// pop_back, so the cost per event is about one small sort's share rather than a heap's
// log n cache misses.
//
// Who calls it: sim/simulation.h. Allocates only when a bucket or the heap outgrows its
// largest size so far. Not thread-safe.

#include <cstdint>
#include <vector>

namespace hr::sim {

enum class EventKind : std::uint8_t {
  kTick = 0,      // the end of a simulated second (timeline, metrics, alarms)
  kFinish = 1,    // an invocation ends; `index` is its slot in the simulation's running table
  kControl = 2,   // a quota increase is approved; `index` says which
  kArrival = 3,   // `index` is the arrival source (a traffic entry, or the trace)
};

struct Event {
  std::int64_t at = 0;      // ns from the start of the simulation
  std::uint64_t order = 0;  // kind << 32 | index

  EventKind kind() const { return static_cast<EventKind>(order >> 32); }
  std::uint32_t index() const { return static_cast<std::uint32_t>(order); }
  // One 128-bit comparison. REQUIRES: at >= 0.
  unsigned __int128 key() const {
    return (static_cast<unsigned __int128>(static_cast<std::uint64_t>(at)) << 64) | order;
  }
  bool operator<(const Event& o) const { return key() < o.key(); }
};

class EventQueue {
 public:
  EventQueue();

  // REQUIRES: no event of the same kind and index is queued; `at` is not before the last
  // popped event.
  void Push(std::int64_t at, EventKind kind, std::uint32_t index);
  // REQUIRES: !empty()
  const Event& Top() {
    if (current_.empty()) Advance();
    return current_.back();
  }
  // REQUIRES: !empty()
  Event Pop() {
    if (current_.empty()) Advance();
    const Event e = current_.back();
    current_.pop_back();
    --size_;
    return e;
  }
  // Pop() then Push(at, kind, index). REQUIRES: !empty()
  void ReplaceTop(std::int64_t at, EventKind kind, std::uint32_t index) {
    Pop();
    Push(at, kind, index);
  }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

 private:
  static constexpr int kShift = 20;            // bucket width: 2^20 ns
  static constexpr std::int64_t kBuckets = 4096;  // wheel span: 2^32 ns

  // Moves to the next bucket that holds events and sorts it into current_.
  void Advance();
  void PushHeap(const Event& e);
  Event PopHeap();

  std::vector<std::vector<Event>> wheel_;  // by bucket number mod kBuckets
  std::vector<Event> current_;   // bucket `bucket_`, sorted descending (next event last)
  std::int64_t bucket_ = 0;      // the bucket being consumed
  std::size_t in_wheel_ = 0;     // events in wheel_ (not current_)
  std::vector<Event> far_;       // a binary min-heap: events at or past bucket_ + kBuckets
  std::size_t size_ = 0;
};

}  // namespace hr::sim
