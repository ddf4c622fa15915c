// The simulator's event queue under its own load pattern (the "hold" model): 100 arrival
// sources, each re-pushed a Poisson gap (1 ms mean) after it pops, and every arrival pushing a
// finish a lognormal duration later (50 ms median, sigma 0.5), as poisson-100.yaml does.
// Reports nanoseconds per invocation (two pushes and two pops).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "sim/event_queue.h"
#include "sim/random.h"

namespace hr::sim {
namespace {

void BM_EventQueueHold(benchmark::State& state) {
  EventQueue q;
  Rng rng(1);
  constexpr std::uint32_t kSources = 100;
  std::vector<std::uint32_t> free_slots;
  std::uint32_t next_slot = 0;
  for (std::uint32_t s = 0; s < kSources; ++s) {
    q.Push(static_cast<std::int64_t>(rng.Exponential() * 1e6), EventKind::kArrival, s);
  }
  std::int64_t invocations = 0;
  for (auto _ : state) {
    const Event e = q.Pop();
    if (e.kind() == EventKind::kArrival) {
      q.Push(e.at + static_cast<std::int64_t>(rng.Exponential() * 1e6), EventKind::kArrival, e.index());
      std::uint32_t slot;
      if (free_slots.empty()) {
        slot = next_slot++;
      } else {
        slot = free_slots.back();
        free_slots.pop_back();
      }
      q.Push(e.at + static_cast<std::int64_t>(5e7 * std::exp(0.5 * rng.Normal())), EventKind::kFinish, slot);
      ++invocations;
    } else {
      free_slots.push_back(e.index());
    }
  }
  // Each invocation is two iterations (its arrival and its finish).
  state.counters["ns_per_invocation"] =
      benchmark::Counter(static_cast<double>(invocations), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_EventQueueHold)->MinTime(2);

}  // namespace
}  // namespace hr::sim
