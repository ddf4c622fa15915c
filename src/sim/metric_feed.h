#pragma once
// MetricFeed: puts each simulated second into a telemetry::MetricStore as the AWS/Lambda
// datapoints the workload's alarms read, so that the alarms are evaluated by the same query
// and alarm code as the server's (telemetry::EvaluateQueries, telemetry::EvaluateAlarm).
//
// Only the series some alarm reads are recorded (one RecordSet per series per second), which
// keeps a long simulation's memory bounded by the store's retention. The series it can
// produce: ConcurrentExecutions, ClaimedAccountConcurrency, UnreservedConcurrentExecutions,
// Invocations and Throttles without dimensions, and ConcurrentExecutions, Invocations,
// Throttles, ProvisionedConcurrencyInvocations, ProvisionedConcurrentExecutions and
// ProvisionedConcurrencySpilloverInvocations with {FunctionName}. Gauges record every
// second; counts only seconds with a count (as Lambda emits them).
//
// Who calls it: sim/simulation.h. Not thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "sim/second_sample.h"
#include "sim/workload.h"
#include "telemetry/metric_store.h"

namespace hr::sim {

class MetricFeed {
 public:
  // The series `workload`'s alarms read. Errors: kValidation "<source>:<line>:<col>: alarm
  // 'x' reads <metric>, which the simulator does not produce (it produces: ...)".
  static StatusOr<MetricFeed> For(const Workload& workload);

  // Records `sample`'s second for every series.
  void Record(telemetry::MetricStore& store, telemetry::OwnerId owner, const SecondSample& sample);

 private:
  enum class Field : std::uint8_t {
    kConcurrent, kClaimed, kUnreservedBusy, kInvocations, kThrottles,
    kProvisionedInvocations, kProvisionedBusy, kSpillover,
  };
  struct Series {
    telemetry::MetricId id;
    Field field;
    std::int64_t function;  // -1: the account
    bool gauge;
    telemetry::SeriesHandle handle;
  };
  std::vector<Series> series_;
};

}  // namespace hr::sim
