#include "sim/event_queue.h"

namespace hr::sim {

// Children of i are 4i+1 .. 4i+4: a quarter of a binary heap's depth, and a node's
// children share one or two cache lines.
void EventQueue::SiftUp(std::size_t i) {
  const Event e = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / 4;
    if (!(e < heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void EventQueue::SiftDown(const Event& e) {
  const std::size_t n = heap_.size();
  std::size_t i = 0;
  while (true) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    if (first + 4 <= n) {
      // All four children: pick the least without branches.
      const Event* c = &heap_[first];
      const std::size_t a = c[1] < c[0] ? 1 : 0;
      const std::size_t b = c[3] < c[2] ? 3 : 2;
      best = first + (c[b] < c[a] ? b : a);
    } else {
      for (std::size_t c = first + 1; c < n; ++c) {
        if (heap_[c] < heap_[best]) best = c;
      }
    }
    if (!(heap_[best] < e)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = e;
}

}  // namespace hr::sim
