#pragma once
// EvaluateStoreQueries: GetMetricData's queries (and a metric-math alarm's) over one owner's
// series in a MetricStore, with SERVICE_QUOTA(ConcurrentExecutions) = `concurrency_quota`.
// The one place that binds EvaluateQueries to the store; the server (GetMetricData, alarms,
// the dashboard) and the simulator (its alarms) both call it. Pure; not thread-safe (the
// caller serialises access to the store).

#include <span>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "telemetry/lambda_metrics.h"
#include "telemetry/metric_query.h"
#include "telemetry/metric_store.h"

namespace hr::telemetry {

// Whether SERVICE_QUOTA(`id`) is the concurrency quota (L-B99A9384): AWS/Lambda
// ConcurrentExecutions without dimensions. (SERVICE_QUOTA of any other metric has no value.)
bool IsConcurrencyQuotaMetric(const MetricId& id);

StatusOr<std::vector<QueryResult>> EvaluateStoreQueries(const MetricStore& store, OwnerId owner,
                                                        std::span<const MetricQuery> queries,
                                                        Timestamp start, Timestamp end,
                                                        double concurrency_quota);

}  // namespace hr::telemetry
