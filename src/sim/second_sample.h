#pragma once
// SecondSample: what one simulated second looked like — the account's pool and every
// function's concurrency and counts. Gauges are the second's peak (as the server's
// LambdaMetrics keeps them, so a period's Maximum sees every peak); counts are the second's
// totals. The per-function spans are indexed like Workload::functions and are valid only
// during the callback that receives the sample.
//
// Who produces it: sim/simulation.h, once per simulated second. Who reads it: the timeline
// writers (sim/timeline.h) and the metric feed (sim/metric_feed.h).

#include <cstdint>
#include <span>

namespace hr::sim {

struct FunctionSecond {
  std::int64_t concurrency = 0;          // peak executions (on-demand and provisioned)
  std::int64_t provisioned_busy = 0;     // peak executions on provisioned environments
  std::int64_t invocations = 0;          // admitted
  std::int64_t throttles = 0;
  std::int64_t cold_starts = 0;
  std::int64_t provisioned_invocations = 0;  // admitted on a provisioned environment
  std::int64_t spillover = 0;            // admitted on demand while the PC config was full
};

struct SecondSample {
  std::int64_t second = 0;           // [second, second + 1) from the start of the simulation
  std::int64_t limit = 0;            // the applied concurrency quota
  std::int64_t claimed = 0;          // ClaimedAccountConcurrency (peak)
  std::int64_t unreserved = 0;       // UnreservedConcurrentExecutions pool size: limit - allocated
  std::int64_t unreserved_busy = 0;  // UnreservedConcurrentExecutions metric (peak)
  std::int64_t concurrent = 0;       // ConcurrentExecutions, all functions (peak)
  std::int64_t invocations = 0;
  std::int64_t throttles = 0;
  std::span<const FunctionSecond> functions;
};

}  // namespace hr::sim
