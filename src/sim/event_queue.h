#pragma once
// EventQueue: the simulator's virtual-time agenda, a 4-ary min-heap of 16-byte PODs.
//
// Events are ordered by time, then by kind (at the same instant: the second's tick first,
// then finished invocations, control-plane changes, and arrivals last, so that capacity freed
// at t is available to a request arriving at t), then by index (the arrival source, the
// running invocation's slot). At most one event per (kind, index) is ever queued, so the
// order is total and the same on every run: no tie is left to the heap.
//
// Who calls it: sim/simulation.h. Push and Pop allocate only when the heap grows past its
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
  // One 128-bit comparison (branch-free in the heap's inner loop). REQUIRES: at >= 0.
  unsigned __int128 key() const {
    return (static_cast<unsigned __int128>(static_cast<std::uint64_t>(at)) << 64) | order;
  }
  bool operator<(const Event& o) const { return key() < o.key(); }
};

class EventQueue {
 public:
  // REQUIRES: no event of the same kind and index is queued.
  void Push(std::int64_t at, EventKind kind, std::uint32_t index) {
    heap_.push_back(Event{at, (static_cast<std::uint64_t>(kind) << 32) | index});
    SiftUp(heap_.size() - 1);
  }
  // REQUIRES: !empty()
  const Event& Top() const { return heap_.front(); }
  // Pop() and Push(at, kind, index) in one pass. REQUIRES: !empty()
  void ReplaceTop(std::int64_t at, EventKind kind, std::uint32_t index) {
    SiftDown(Event{at, (static_cast<std::uint64_t>(kind) << 32) | index});
  }
  // REQUIRES: !empty()
  Event Pop() {
    const Event top = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) SiftDown(last);
    return top;
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }

 private:
  void SiftUp(std::size_t i);
  // Places `e` in the root's hole and sifts it down.
  void SiftDown(const Event& e);

  std::vector<Event> heap_;
};

}  // namespace hr::sim
