#pragma once
// EventQueue: the simulator's virtual-time agenda, a binary min-heap of small PODs.
//
// Events are ordered by time, then by kind (at the same instant: the second's tick first,
// then finished invocations, control-plane changes, and arrivals last, so that capacity freed
// at t is available to a request arriving at t), then by the order they were pushed. The
// order is therefore total and the same on every run: no tie is left to the heap.
//
// Who calls it: sim/simulation.h. Push and Pop allocate only when the heap grows past its
// largest size so far. Not thread-safe.

#include <cstdint>
#include <vector>

namespace hr::sim {

enum class EventKind : std::uint8_t {
  kTick = 0,      // the end of a simulated second (timeline, metrics, alarms)
  kFinish = 1,    // an invocation ends; `index` is its slot in the simulation's grant table
  kControl = 2,   // a quota increase is approved; `index` says which
  kArrival = 3,   // `index` is the arrival source (a traffic entry, or the trace)
};

struct Event {
  std::int64_t at = 0;   // ns from the start of the simulation
  std::uint64_t order = 0;  // kind in the top byte, then the push sequence
  std::uint32_t index = 0;

  EventKind kind() const { return static_cast<EventKind>(order >> 56); }
  bool operator<(const Event& o) const { return at != o.at ? at < o.at : order < o.order; }
};

class EventQueue {
 public:
  void Push(std::int64_t at, EventKind kind, std::uint32_t index) {
    const Event e{at, (static_cast<std::uint64_t>(kind) << 56) | (sequence_++ & kSequenceMask), index};
    heap_.push_back(e);
    SiftUp(heap_.size() - 1);
  }
  // REQUIRES: !empty()
  const Event& Top() const { return heap_.front(); }
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
  static constexpr std::uint64_t kSequenceMask = (std::uint64_t{1} << 56) - 1;
  void SiftUp(std::size_t i);
  // Places `e` at the root's hole and sifts it down.
  void SiftDown(const Event& e);

  std::vector<Event> heap_;
  std::uint64_t sequence_ = 0;
};

}  // namespace hr::sim
