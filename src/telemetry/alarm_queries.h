#pragma once
// EvaluateAlarmQueries: one evaluation of a metric alarm from its metric queries, the part
// the server's alarm scheduler and the simulator share. It builds the evaluation range
// (EvaluationRange(N) periods, ending with the last complete period before `now`), runs the
// alarm's queries over it and places each returned datapoint in its period, adds each
// period's SampleCount for a single-metric alarm (one whose rule has a statistic: AWS shows
// it in StateReasonData), and hands the range to EvaluateAlarm.
//
// `run` runs queries over [start, end): the server binds it to the caller's telemetry scope
// (server/cloudwatch_service.h RunMetricQueries), the simulator to its own store
// (EvaluateStoreQueries). Queries that fail leave their periods missing.
//
// Pure: no I/O beyond what `run` does; any thread.

#include <functional>
#include <span>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "telemetry/alarm_evaluation.h"
#include "telemetry/metric_query.h"

namespace hr::telemetry {

using AlarmQueryRunner = std::function<StatusOr<std::vector<QueryResult>>(
    std::span<const MetricQuery> queries, Timestamp start, Timestamp end)>;

AlarmEvaluation EvaluateAlarmQueries(const AlarmRule& rule, AlarmState current,
                                     std::span<const MetricQuery> queries, const AlarmQueryRunner& run,
                                     Timestamp now);

}  // namespace hr::telemetry
