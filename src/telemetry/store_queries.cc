#include "telemetry/store_queries.h"

#include <optional>
#include <string_view>

namespace hr::telemetry {

bool IsConcurrencyQuotaMetric(const MetricId& id) {
  return id.ns == kLambdaNamespace && id.name == lambda_metric::kConcurrentExecutions && id.dimensions.empty();
}

StatusOr<std::vector<QueryResult>> EvaluateStoreQueries(const MetricStore& store, OwnerId owner,
                                                        std::span<const MetricQuery> queries,
                                                        Timestamp start, Timestamp end,
                                                        double concurrency_quota) {
  QueryEnvironment env;
  env.start = start;
  env.end = end;
  env.fetch = [&](const MetricStatQuery& q) {
    TimeSeries series;
    std::optional<std::string_view> unit;
    if (q.unit) unit = *q.unit;
    for (const Datapoint& p : store.Query(owner, q.metric, start, end, q.period, q.statistic, unit)) {
      series.timestamps.push_back(p.at);
      series.values.push_back(p.value);
    }
    series.source = q.metric;
    return series;
  };
  env.service_quota = [&](const MetricId& id) -> std::optional<double> {
    if (IsConcurrencyQuotaMetric(id)) return concurrency_quota;
    return std::nullopt;
  };
  return EvaluateQueries(queries, env);
}

}  // namespace hr::telemetry
