#pragma once
// LambdaMetrics: turns what happens to invocations into the AWS/Lambda metrics (spec §3.6),
// recorded into a MetricStore. The one place that spells Lambda's metric and dimension names.
//
// Drivers call it: the server from its one invocation path (server/invocation.cc) and the
// async queue, the simulator from its event loop. Per invocation it records Invocations,
// Errors, Duration (ms) and ConcurrentExecutions; per throttle Throttles; on a provisioned
// config ProvisionedConcurrencyInvocations / ProvisionedConcurrencySpilloverInvocations,
// ProvisionedConcurrentExecutions and ProvisionedConcurrencyUtilization (only while busy:
// AWS does not emit it when idle); for the account UnreservedConcurrentExecutions and
// ClaimedAccountConcurrency as the engine computes them. Counts carry the dimension sets
// Lambda emits: none, {FunctionName}, {FunctionName, Resource} for a qualified invocation,
// and {FunctionName, Resource, ExecutedVersion} for one through an alias.
//
// Gauges are recorded at every change (so a period's Maximum sees every peak) and once a
// second by Sample (so a steady level has a datapoint in every second).
//
// Pure: no I/O, no clock. Not thread-safe: the server holds it under the store's mutex.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "base/time.h"
#include "telemetry/metric_store.h"

namespace hr::telemetry {

inline constexpr std::string_view kLambdaNamespace = "AWS/Lambda";

// Which function, resource and version an invocation ran as.
struct InvocationLabels {
  std::string function;          // "orders"
  std::string qualifier;         // as invoked ("live", "7", "$LATEST"); empty: unqualified
  std::string executed_version;  // "$LATEST", "7"
  bool reserved = false;         // the function has RC: not counted as unreserved
  // The provisioned config serving the version: its qualifier (empty when none) and
  // Allocated.
  std::string provisioned_qualifier;
  std::int32_t provisioned_allocated = 0;
};

// The engine's view of the account pool after a change (engine::PoolView's numbers).
struct PoolGauges {
  std::int64_t unreserved_busy = 0;  // UnreservedConcurrentExecutions
  std::int64_t claimed = 0;          // ClaimedAccountConcurrency
  std::int64_t limit = 0;            // the applied quota (for SERVICE_QUOTA)
};

// Running totals, for Prometheus.
struct FunctionTotals {
  std::uint64_t invocations = 0;
  std::uint64_t errors = 0;
  std::uint64_t throttles = 0;
  std::int64_t concurrent = 0;
  std::int64_t provisioned_concurrent = 0;
  double duration_ms_sum = 0;
};
struct AccountTotals {
  PoolGauges pool;
  std::int64_t concurrent = 0;
  std::uint64_t invocations = 0;
  std::uint64_t errors = 0;
  std::uint64_t throttles = 0;
  std::uint64_t async_received = 0;
  std::uint64_t async_dropped = 0;
};

class LambdaMetrics {
 public:
  explicit LambdaMetrics(MetricStore& store) : store_(store) {}

  // An invocation was admitted (`provisioned`: on a provisioned environment; `spillover`:
  // its provisioned config was fully busy).
  void Started(OwnerId owner, const InvocationLabels& labels, bool provisioned, bool spillover,
               const PoolGauges& pool, Timestamp now);
  // It ended (after `duration`, init included; `error`: a function error or timeout).
  void Finished(OwnerId owner, const InvocationLabels& labels, bool provisioned, Duration duration,
                bool error, const PoolGauges& pool, Timestamp now);
  void Throttled(OwnerId owner, const InvocationLabels& labels, Timestamp now);

  // The async queue: an event accepted, an event taken for an attempt `age` after it was
  // accepted, an event dropped without a successful run.
  void AsyncReceived(OwnerId owner, const InvocationLabels& labels, Timestamp now);
  void AsyncAttempted(OwnerId owner, const InvocationLabels& labels, Duration age, Timestamp now);
  void AsyncDropped(OwnerId owner, const InvocationLabels& labels, Timestamp now);

  // Once a second per account: the account's gauges, and every busy function's.
  void Sample(OwnerId owner, const PoolGauges& pool, Timestamp now);

  const AccountTotals* Account(OwnerId owner) const;
  // (function name) -> totals, for every function seen.
  void ForEachFunction(OwnerId owner,
                       const std::function<void(const std::string&, const FunctionTotals&)>& fn) const;

 private:
  struct Owner {
    AccountTotals totals;
    std::map<std::string, FunctionTotals, std::less<>> functions;
    // Busy counts by (function, qualifier) for qualified invocations, and by provisioned
    // resource (function, qualifier) with its Allocated.
    std::map<std::pair<std::string, std::string>, std::int64_t, std::less<>> resources;
    std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, std::int32_t>, std::less<>>
        provisioned;
  };

  // `name` with each of the labels' dimension sets (none, function, resource, version).
  void Count(OwnerId owner, std::string_view name, const InvocationLabels& labels, double value,
             std::string_view unit, Timestamp now);
  void RecordPool(OwnerId owner, const Owner& o, Timestamp now);
  void RecordFunction(OwnerId owner, const std::string& function, const FunctionTotals& t, Timestamp now);
  void RecordResource(OwnerId owner, const std::string& function, const std::string& qualifier,
                      std::int64_t busy, Timestamp now);
  void RecordProvisioned(OwnerId owner, const std::string& function, const std::string& qualifier,
                         std::int64_t busy, std::int32_t allocated, Timestamp now);
  Owner& OwnerAt(OwnerId owner);

  MetricStore& store_;
  std::map<OwnerId, Owner> owners_;
};

}  // namespace hr::telemetry
