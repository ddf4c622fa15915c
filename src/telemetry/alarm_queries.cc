#include "telemetry/alarm_queries.h"

namespace hr::telemetry {

AlarmEvaluation EvaluateAlarmQueries(const AlarmRule& rule, AlarmState current,
                                     std::span<const MetricQuery> queries, const AlarmQueryRunner& run,
                                     Timestamp now) {
  const std::int64_t period = rule.period.nanos();
  const int range_size = EvaluationRange(rule.evaluation_periods);
  const Timestamp end = Timestamp::FromUnixNanos(now.unix_nanos() - now.unix_nanos() % period);
  const Timestamp start = end - Duration::Nanos(period * range_size);
  std::vector<PeriodValue> range;
  for (int k = 0; k < range_size; ++k) range.push_back({start + Duration::Nanos(period * k), std::nullopt});
  // Each datapoint into the period it starts.
  auto place = [&](const TimeSeries& series, std::optional<double> PeriodValue::*field) {
    for (std::size_t i = 0; i < series.timestamps.size(); ++i) {
      const std::int64_t k = (series.timestamps[i] - start).nanos() / period;
      if (k >= 0 && k < range_size) range[static_cast<std::size_t>(k)].*field = series.values[i];
    }
  };
  if (auto results = run(queries, start, end); results.ok()) {
    for (const QueryResult& r : *results) {
      if (r.return_data) place(r.series, &PeriodValue::value);
    }
  }
  if (queries.size() == 1 && queries[0].metric_stat && !rule.statistic.empty()) {
    MetricQuery count = queries[0];
    count.metric_stat->statistic = Statistic{StatisticKind::kSampleCount, 0};
    if (auto counts = run({&count, 1}, start, end); counts.ok() && !counts->empty()) {
      place(counts->front().series, &PeriodValue::sample_count);
    }
  }
  return EvaluateAlarm(rule, current, range, now);
}

}  // namespace hr::telemetry
