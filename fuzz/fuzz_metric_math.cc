// Fuzz target: CloudWatch metric math as GetMetricData and metric-math alarms run it
// (telemetry::EvaluateQueries: id checks, parsing, dependency order, evaluation). Three metric
// queries are always there — m1 (AWS/Lambda ConcurrentExecutions, which has a service quota),
// m2 (with gaps) and m3 (empty), at most 1,000 points each — by default over one hour of
// 1-minute periods; the input adds expressions.
//
// Input: lines "id=expression" (at most 8; other lines are skipped), and optionally a line
// "#PERIOD RANGE" (seconds) that sets the metric queries' period and the query range.

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "telemetry/metric_query.h"

namespace {

using hr::Duration;
using hr::Timestamp;
using namespace hr::telemetry;

const Timestamp kStart = Timestamp::FromUnixSeconds(1'700'000'040);  // minute-aligned

MetricQuery Metric(std::string id, std::string name, Duration period) {
  MetricQuery q;
  q.id = std::move(id);
  q.metric_stat = MetricStatQuery{MetricId{"AWS/Lambda", std::move(name), {}}, period, Statistic{},
                                  std::nullopt};
  return q;
}

TimeSeries Fetch(const MetricStatQuery& q, Timestamp end) {
  TimeSeries ts;
  ts.source = q.metric;
  if (q.metric.name == "Throttles") return ts;
  int i = 0;
  for (Timestamp t = kStart; t < end && i < 1000; t = t + q.period, ++i) {
    if (q.metric.name == "Invocations" && i % 3 == 1) continue;
    ts.timestamps.push_back(t);
    ts.values.push_back(q.metric.name == "Invocations" ? i * 1.5 - 20 : i % 7);
  }
  return ts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::int64_t period = 60;
  std::int64_t range = 3600;
  std::vector<MetricQuery> queries;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty() && queries.size() < 8) {
    const std::size_t newline = rest.find('\n');
    const std::string_view line = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    if (line.starts_with('#')) {
      const std::string text(line.substr(1));
      long long p = 0, r = 0;
      if (std::sscanf(text.c_str(), "%lld %lld", &p, &r) == 2 && p > 0 && r > 0 && r <= 30LL * 86400) {
        period = p;
        range = r;
      }
      continue;
    }
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    MetricQuery q;
    q.id = std::string(line.substr(0, equals));
    q.expression = std::string(line.substr(equals + 1));
    queries.push_back(std::move(q));
  }
  for (auto [id, name] : {std::pair{"m1", "ConcurrentExecutions"}, {"m2", "Invocations"}, {"m3", "Throttles"}}) {
    queries.push_back(Metric(id, name, Duration::Seconds(std::min<std::int64_t>(period, 30LL * 86400))));
  }
  QueryEnvironment env;
  env.start = kStart;
  env.end = kStart + Duration::Seconds(range);
  env.fetch = [&env](const MetricStatQuery& q) { return Fetch(q, env.end); };
  env.service_quota = [](const MetricId& id) -> std::optional<double> {
    if (id.ns == "AWS/Lambda" && id.name == "ConcurrentExecutions" && id.dimensions.empty()) return 1000;
    return std::nullopt;
  };
  (void)EvaluateQueries(queries, env);
  return 0;
}
