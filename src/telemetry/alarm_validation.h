#pragma once
// The rules PutMetricAlarm applies to an alarm's period and to a metric-math alarm's list of
// metric queries, with CloudWatch's ValidationError messages (spec §6.3). The server's
// PutMetricAlarm and the simulator's workload parser both call them, and each reports a
// failure in its own form (an AWS error; a line:column message). Pure; any thread.

#include <cstdint>
#include <span>

#include "base/status.h"
#include "telemetry/metric_query.h"

namespace hr::telemetry {

// The period, in seconds, that a metric-math alarm's `queries` share (each MetricStat's, or
// an expression's Period). Errors (kValidation): "All metrics in a metric math alarm must
// have the same period.", "Exactly one element of the metrics list should return data.",
// "The metric math alarm needs a metric with a period."
StatusOr<std::int64_t> MetricMathAlarmPeriod(std::span<const MetricQuery> queries);

// Errors (kValidation): "Period must be 10, 20, 30 or a multiple of 60"; "The evaluation
// period of the alarm (Period x EvaluationPeriods) must not exceed 86400 seconds (1 day) for
// periods under one hour." (604800 seconds, 7 days, for longer periods).
Status CheckAlarmPeriod(std::int64_t period_seconds, int evaluation_periods);

}  // namespace hr::telemetry
