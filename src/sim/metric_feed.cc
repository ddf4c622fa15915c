#include "sim/metric_feed.h"

#include <algorithm>

#include "telemetry/lambda_metrics.h"

namespace hr::sim {
namespace {

struct Known {
  std::string_view name;
  bool per_function;
  bool gauge;
  int field;
};

// Field numbers follow MetricFeed::Field.
constexpr Known kKnown[] = {
    {telemetry::lambda_metric::kConcurrentExecutions, false, true, 0},        {telemetry::lambda_metric::kClaimedAccountConcurrency, false, true, 1},
    {telemetry::lambda_metric::kUnreservedConcurrentExecutions, false, true, 2}, {telemetry::lambda_metric::kInvocations, false, false, 3},
    {telemetry::lambda_metric::kThrottles, false, false, 4},                  {telemetry::lambda_metric::kConcurrentExecutions, true, true, 0},
    {telemetry::lambda_metric::kInvocations, true, false, 3},                 {telemetry::lambda_metric::kThrottles, true, false, 4},
    {telemetry::lambda_metric::kProvisionedConcurrencyInvocations, true, false, 5}, {telemetry::lambda_metric::kProvisionedConcurrentExecutions, true, true, 6},
    {telemetry::lambda_metric::kProvisionedConcurrencySpilloverInvocations, true, false, 7},
};

std::string Produced() {
  std::string out;
  for (const Known& k : kKnown) {
    out += (out.empty() ? "" : ", ") + std::string(k.name) + (k.per_function ? " {FunctionName}" : "");
  }
  return out;
}

std::int64_t FieldOf(int field, const SecondSample& s, const FunctionSecond* f) {
  switch (field) {
    case 0: return f ? f->concurrency : s.concurrent;
    case 1: return s.claimed;
    case 2: return s.unreserved_busy;
    case 3: return f ? f->invocations : s.invocations;
    case 4: return f ? f->throttles : s.throttles;
    case 5: return f ? f->provisioned_invocations : 0;
    case 6: return f ? f->provisioned_busy : 0;
    case 7: return f ? f->spillover : 0;
  }
  return 0;
}

}  // namespace

StatusOr<MetricFeed> MetricFeed::For(const Workload& w) {
  MetricFeed feed;
  for (const AlarmSpec& alarm : w.alarms) {
    for (const telemetry::MetricQuery& q : alarm.queries) {
      if (!q.metric_stat) continue;
      const telemetry::MetricId& id = q.metric_stat->metric;
      const bool exists = std::any_of(feed.series_.begin(), feed.series_.end(),
                                      [&](const Series& s) { return s.id == id; });
      if (exists) continue;
      std::int64_t function = -1;
      bool dims_ok = id.dimensions.empty();
      if (id.dimensions.size() == 1 && id.dimensions[0].name == telemetry::lambda_dimension::kFunctionName) {
        for (std::size_t i = 0; i < w.functions.size(); ++i) {
          if (w.functions[i].name == id.dimensions[0].value) function = static_cast<std::int64_t>(i);
        }
        dims_ok = function >= 0;
      }
      const Known* known = nullptr;
      if (id.ns == telemetry::kLambdaNamespace && dims_ok) {
        for (const Known& k : kKnown) {
          if (k.name == id.name && k.per_function == (function >= 0)) known = &k;
        }
      }
      if (!known) {
        std::string dims;
        for (const telemetry::Dimension& d : id.dimensions) dims += " " + d.name + "=" + d.value;
        return Status(ErrorCode::kValidation,
                      w.source + ":" + std::to_string(alarm.mark.line) + ":" + std::to_string(alarm.mark.column) +
                          ": alarm '" + alarm.name + "' reads " + id.ns + " " + id.name + dims +
                          ", which the simulator does not produce (it produces AWS/Lambda " + Produced() +
                          "; FunctionName must name a declared function)");
      }
      feed.series_.push_back({id, static_cast<Field>(known->field), function, known->gauge, {}});
    }
  }
  return feed;
}

void MetricFeed::Record(telemetry::MetricStore& store, telemetry::OwnerId owner, const SecondSample& s) {
  const Timestamp at = Timestamp::FromUnixSeconds(s.second);
  for (Series& series : series_) {
    const FunctionSecond* f = series.function >= 0 ? &s.functions[static_cast<std::size_t>(series.function)] : nullptr;
    const std::int64_t value = FieldOf(static_cast<int>(series.field), s, f);
    if (series.gauge) {
      store.Record(owner, series.id, series.handle, at, static_cast<double>(value), 1, "Count");
    } else if (value > 0) {
      // `value` samples of 1, as Lambda counts them: Sum and SampleCount are both the count.
      const double n = static_cast<double>(value);
      store.RecordSet(owner, series.id, at, telemetry::SampleSet{n, n, 1, 1}, "Count");
    }
  }
}

}  // namespace hr::sim
