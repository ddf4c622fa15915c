#pragma once
// EventQueue: the simulator's virtual-time agenda — a two-level calendar queue of 8-byte keys,
// with a heap for events beyond it.
//
// Events are ordered by time, then by kind (at the same instant: the second's tick first,
// then finished invocations, control-plane changes, and arrivals last, so that capacity freed
// at t is available to a request arriving at t), then by index (the arrival source, the
// running invocation's slot). At most one event per (kind, index) is ever queued, so the
// order is total and the same on every run: no tie is left to the data structure.
//
// Virtual time only moves forward, which the queue relies on: an event may not be pushed
// before the last popped one. A push appends to a coarse bucket (2^24 ns, about 17 ms; 512 of
// them span about 8.6 s); when the queue reaches a coarse bucket it deals its events into 64
// fine buckets (2^18 ns, about 262 µs; a 64-bit map says which hold events), and each fine
// bucket is sorted when reached. Both levels are few enough that the buckets being appended
// to stay in the L1 cache, where one level of buckets fine enough to sort cheaply would
// scatter each push to a cold line. (Widths measured on 10k and 100k invocations/s.) An
// event is one 64-bit key (its offset in its coarse bucket, kind and index), so buckets sort
// as plain integers. Events beyond the span wait in a heap until their coarse bucket comes up.
//
// Who calls it: sim/simulation.h. Allocates only when a bucket or the heap outgrows its
// largest size so far. Not thread-safe.

#include <cstdint>
#include <span>
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
  void Push(std::int64_t at, EventKind kind, std::uint32_t index) {
    const std::uint64_t order = OrderOf(kind, index);
    ++size_;
    const std::int64_t c = at >> kCoarseShift;
    if (c > coarse_bucket_ && c < coarse_bucket_ + kCoarseBuckets) [[likely]] {
      coarse_[static_cast<std::size_t>(c & (kCoarseBuckets - 1))].push_back(KeyOf(at, order));
      ++in_coarse_;
    } else if (c <= coarse_bucket_) {
      PushFine(KeyOf(at, order));
    } else {
      PushHeap({at, order});
    }
  }
  // Whether the queue may hold an event at or before `limit`: false means it certainly does
  // not; true means Top() is ready (and may still be later than `limit`). It never moves the
  // queue past `limit`, so a caller with events of its own can ask with the earliest of them
  // and then push events from that time on (an event pushed before where the queue has
  // moved to is inserted into a sorted bucket: correct, but slow if it happens often).
  bool Reaches(std::int64_t limit) { return !current_.empty() || Advance(limit); }
  // REQUIRES: !empty()
  Event Top() {
    if (current_.empty()) Advance(kNoLimit);
    return EventOf(current_.back());
  }
  // REQUIRES: !empty()
  Event Pop() {
    const Event e = Top();
    current_.pop_back();
    --size_;
    return e;
  }
  // Pop() then Push(at, kind, index). REQUIRES: !empty()
  void ReplaceTop(std::int64_t at, EventKind kind, std::uint32_t index) {
    Pop();
    Push(at, kind, index);
  }
  // How many fine buckets the queue has entered so far, and the events of the fine bucket
  // after the one being consumed, as keys in no particular order (KindOfKey, IndexOfKey):
  // whenever the count changes, the caller may prefetch what those events will touch, a whole
  // bucket before it needs it. (A span rather than a visitor: GCC deletes a call whose only
  // effect is a prefetch.)
  std::uint64_t buckets_entered() const { return buckets_entered_; }
  std::span<const std::uint64_t> NextBucket() const {
    if (fine_bucket_ + 1 >= kFinePerCoarse) return {};
    return fine_[static_cast<std::size_t>(fine_bucket_ + 1)];
  }
  // An event's `order` field.
  static std::uint64_t OrderOf(EventKind kind, std::uint32_t index) {
    return (static_cast<std::uint64_t>(kind) << 32) | index;
  }
  static EventKind KindOfKey(std::uint64_t key) { return static_cast<EventKind>((key >> 32) & 3); }
  static std::uint32_t IndexOfKey(std::uint64_t key) { return static_cast<std::uint32_t>(key); }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

 private:
  static constexpr int kFineShift = 18;    // fine bucket width: 2^18 ns
  static constexpr int kCoarseShift = 24;  // coarse bucket width: 2^24 ns
  static constexpr int kFinePerCoarse = 1 << (kCoarseShift - kFineShift);
  static constexpr std::int64_t kCoarseBuckets = 512;  // span: 2^33 ns
  static constexpr int kOrderBits = 34;                // kind (2 bits) << 32 | index
  // An event below the heap: its offset within its coarse bucket, then its order.
  using Key = std::uint64_t;

  static Key KeyOf(std::int64_t at, std::uint64_t order) {
    return (static_cast<Key>(at & ((std::int64_t{1} << kCoarseShift) - 1)) << kOrderBits) | order;
  }
  static int FineOf(Key k) { return static_cast<int>(k >> (kOrderBits + kFineShift)); }
  Event EventOf(Key k) const {
    return {(coarse_bucket_ << kCoarseShift) + static_cast<std::int64_t>(k >> kOrderBits),
            k & ((Key{1} << kOrderBits) - 1)};
  }
  static constexpr std::int64_t kNoLimit = INT64_MAX;
  // Moves to the next fine bucket that holds events (dealing out coarse buckets as they
  // come) and sorts it into current_; false, without entering it, when there is none or it
  // starts after `limit`. REQUIRES: current_ is empty.
  bool Advance(std::int64_t limit);
  void PushFine(Key k);
  // Appends `k` to its fine bucket (of coarse_bucket_), marking the bucket occupied.
  void AddFine(Key k);
  // The first occupied fine bucket after fine_bucket_. REQUIRES: in_fine_ > 0.
  int NextOccupied() const;
  void PushHeap(const Event& e);
  Event PopHeap();

  std::vector<std::vector<Key>> coarse_;  // by coarse bucket number mod kCoarseBuckets
  std::vector<std::vector<Key>> fine_;    // the fine buckets of coarse_bucket_
  std::uint64_t occupied_[kFinePerCoarse / 64] = {};  // bit f: fine_[f] holds events
  std::vector<Key> current_;              // fine bucket fine_, sorted descending (next last)
  std::int64_t coarse_bucket_ = 0;        // the coarse bucket being consumed
  int fine_bucket_ = 0;                   // its fine bucket being consumed
  std::size_t in_coarse_ = 0;             // events in coarse_
  std::size_t in_fine_ = 0;               // events in fine_ (not current_)
  std::vector<Event> far_;                // a binary min-heap: beyond the coarse buckets' span
  std::size_t size_ = 0;
  std::uint64_t buckets_entered_ = 0;
};

}  // namespace hr::sim
