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
// Gauges are kept as each second's peak (so a period's Maximum sees every peak, at the cost
// of one store record per gauge per second rather than one per change) and Sample records
// the level of every live gauge once a second (so a steady level has a datapoint in every
// second). Readers call FlushGauges first.
//
// Pure: no I/O, no clock. Not thread-safe: the server holds it under the store's mutex.

#include <cstdint>
#include <climits>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "base/time.h"
#include "telemetry/lambda_metric_names.h"
#include "telemetry/metric_store.h"

namespace hr::telemetry {

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
  // Puts every pending gauge peak into the store, so that a read sees the current second.
  void FlushGauges();

  const AccountTotals* Account(OwnerId owner) const;
  // (function name) -> totals, for every function seen.
  void ForEachFunction(OwnerId owner,
                       const std::function<void(const std::string&, const FunctionTotals&)>& fn) const;

 private:
  // A series and its store handle, so that recording it again skips the lookup.
  struct Cached {
    MetricId id;
    SeriesHandle handle;
  };
  // The series one (function, qualifier, version, provisioned qualifier) records on every
  // invocation, built once: each count metric with every dimension set of the labels.
  struct LabelSeries {
    std::vector<Cached> invocations, errors, duration, throttles;
    std::vector<Cached> async_received, async_age, async_dropped;
    std::vector<Cached> provisioned_invocations, spillover_invocations;
  };
  // A gauge recorded as each second's peak: changes within a second only move the peak,
  // which goes into the store when the second is over (or when someone reads: FlushGauges).
  struct Gauge {
    static constexpr std::int64_t kNothingPending = INT64_MIN;
    Cached series;
    std::int64_t value = 0;
    std::int64_t peak = 0;
    std::int64_t second = kNothingPending;  // the second whose peak is pending
  };
  struct FunctionState {
    FunctionTotals totals;
    Gauge concurrency;
  };
  struct Owner {
    AccountTotals totals;
    std::map<std::string, FunctionState, std::less<>> functions;
    // Busy counts by (function, qualifier) for qualified invocations, and by provisioned
    // resource (function, qualifier) with its Allocated.
    std::map<std::pair<std::string, std::string>, std::int64_t, std::less<>> resources;
    std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, std::int32_t>, std::less<>>
        provisioned;
    Gauge concurrent, unreserved, claimed;  // the account's gauges
    std::map<std::string, LabelSeries, std::less<>> series;  // by the labels' key
  };

  LabelSeries& SeriesFor(OwnerId owner, const InvocationLabels& labels);
  void Add(OwnerId owner, std::vector<Cached>& series, double value, std::string_view unit, Timestamp now);
  void Add(OwnerId owner, Cached& series, double value, std::string_view unit, Timestamp now);
  void Set(OwnerId owner, Gauge& gauge, std::int64_t value, Timestamp now);
  void Flush(OwnerId owner, Gauge& gauge);
  void RecordPool(OwnerId owner, Owner& o, Timestamp now);
  FunctionState& FunctionAt(OwnerId owner, Owner& o, const std::string& function);
  void RecordResource(OwnerId owner, const std::string& function, const std::string& qualifier,
                      std::int64_t busy, Timestamp now);
  void RecordProvisioned(OwnerId owner, const std::string& function, const std::string& qualifier,
                         std::int64_t busy, std::int32_t allocated, Timestamp now);
  Owner& OwnerAt(OwnerId owner);

  MetricStore& store_;
  std::map<OwnerId, Owner> owners_;
};

}  // namespace hr::telemetry
