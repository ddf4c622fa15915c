#pragma once
// TimeSeries: the datapoints of one query (a metric's statistic per period, or the value of
// a metric-math expression): timestamps ascending, each with its value.
//
// Pure; values; any thread.

#include <optional>
#include <vector>

#include "base/time.h"
#include "telemetry/metric_id.h"

namespace hr::telemetry {

struct TimeSeries {
  std::vector<Timestamp> timestamps;  // ascending, one per period start
  std::vector<double> values;         // index-aligned with timestamps
  // The metric the series was read from; empty for an expression's result. SERVICE_QUOTA()
  // reads it to find the quota its argument measures.
  std::optional<MetricId> source;
};

}  // namespace hr::telemetry
