#include "telemetry/alarm_validation.h"

#include <string>

namespace hr::telemetry {

StatusOr<std::int64_t> MetricMathAlarmPeriod(std::span<const MetricQuery> queries) {
  std::int64_t period = 0;
  int returning = 0;
  for (const MetricQuery& q : queries) {
    if (q.return_data) ++returning;
    const Duration d = q.metric_stat ? q.metric_stat->period : q.period.value_or(Duration::Nanos(0));
    const std::int64_t p = d.nanos() / 1'000'000'000;
    if (p == 0) continue;
    if (period != 0 && p != period) {
      return Status(ErrorCode::kValidation, "All metrics in a metric math alarm must have the same period.");
    }
    period = p;
  }
  if (returning != 1) return Status(ErrorCode::kValidation, "Exactly one element of the metrics list should return data.");
  if (period == 0) return Status(ErrorCode::kValidation, "The metric math alarm needs a metric with a period.");
  return period;
}

Status CheckAlarmPeriod(std::int64_t period, int evaluation_periods) {
  if (!(period == 10 || period == 20 || period == 30 || (period >= 60 && period % 60 == 0))) {
    return Status(ErrorCode::kValidation, "Period must be 10, 20, 30 or a multiple of 60");
  }
  const std::int64_t window = period * evaluation_periods;
  if (window > 604'800 || (period < 3600 && window > 86'400)) {
    return Status(ErrorCode::kValidation,
                  "The evaluation period of the alarm (Period x EvaluationPeriods) must not exceed " +
                      std::string(period < 3600 ? "86400 seconds (1 day) for periods under one hour."
                                                : "604800 seconds (7 days)."));
  }
  return Status::Ok();
}

}  // namespace hr::telemetry
