#pragma once
// EvaluateQueries: GetMetricData's MetricDataQueries (and a metric-math alarm's Metrics),
// evaluated as CloudWatch evaluates them: each metric query reads its statistic per period,
// each expression is parsed as metric math and computed from the other queries, in
// dependency order.
//
// Metric math supported: numbers, + - * / with the usual precedence, unary minus,
// parentheses, comparison (< <= > >= == !=) and logical (AND OR NOT) operators, ids of
// other queries, METRICS() / METRICS("substring"), SUM, MAX, MIN, AVG (TS[] -> TS across
// series; TS -> scalar over the series), FILL(ts, value | REPEAT | LINEAR), IF(cond, a[, b]),
// RATE(ts) (per-second change between consecutive points) and SERVICE_QUOTA(ts) (the quota
// that a usage metric measures, at each of its timestamps). An arithmetic result between
// two series keeps the timestamps both have.
//
// Pure: no I/O, no clock. Reads metrics only through the environment's callbacks. Any
// thread, given callbacks that are safe on it.

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "telemetry/metric_id.h"
#include "telemetry/statistic.h"
#include "telemetry/time_series.h"

namespace hr::telemetry {

struct MetricStatQuery {
  MetricId metric;
  Duration period;
  Statistic statistic;
  std::optional<std::string> unit;
};

struct MetricQuery {
  std::string id;
  std::optional<MetricStatQuery> metric_stat;  // exactly one of metric_stat and expression
  std::string expression;
  std::string label;
  bool return_data = true;
  std::optional<Duration> period;  // an expression's Period
};

struct QueryMessage {
  std::string code;
  std::string value;
};

struct QueryResult {
  std::string id;
  std::string label;   // the query's Label, or its id when it has none
  TimeSeries series;   // ascending
  std::string status_code = "Complete";  // Complete | InternalError | PartialData | Forbidden
  std::vector<QueryMessage> messages;
  bool return_data = true;
};

struct QueryEnvironment {
  Timestamp start;  // inclusive
  Timestamp end;    // exclusive
  // A metric query's datapoints.
  std::function<TimeSeries(const MetricStatQuery&)> fetch;
  // The applied quota a usage metric measures, or nullopt when the metric is not one.
  std::function<std::optional<double>(const MetricId&)> service_quota;
};

// Results in the order of `queries`, each with return_data copied from its query. An
// expression whose value is a scalar is returned at every period of [start, end); one whose
// value is an array of series gives one result per member, each with the query's id and the
// label "<Label> <member's label>" (the member's label alone when the query has no Label),
// and an empty array gives one empty result. Points dropped because their value was not
// finite (division by zero) add CloudWatch's message {"ArithmeticError", "One or more
// data-points have been dropped due to non-numeric values (NaN, -Infinite, +Infinite)"}. Errors
// (ErrorCode::kValidation, with CloudWatch's message): an id that is not a lowercase letter
// followed by letters, digits and underscores; a duplicate id; a query with neither or both
// of MetricStat and Expression; an expression that does not parse, names an unknown id or a
// cycle, or calls an unknown function or SERVICE_QUOTA on a metric that has no quota.
StatusOr<std::vector<QueryResult>> EvaluateQueries(std::span<const MetricQuery> queries,
                                                   const QueryEnvironment& environment);

}  // namespace hr::telemetry
