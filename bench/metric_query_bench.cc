// GetMetricData's "% Claimed" (m1 = ConcurrentExecutions, e1 = SERVICE_QUOTA(m1),
// m2 = ClaimedAccountConcurrency, e2 = (m2/e1)*100) over 24 h of 1-minute data, with 1,000
// functions active: the store holds every function's ConcurrentExecutions, Invocations and
// Duration for the whole day, as the server's recorder would. Issue 5 asks for <= 20 ms.
// Run: build/bench/headroom_bench --benchmark_filter=PercentClaimed

#include <benchmark/benchmark.h>

#include <string>

#include "telemetry/metric_query.h"
#include "telemetry/metric_store.h"

namespace hr::telemetry {
namespace {

constexpr int kFunctions = 1000;
constexpr std::int64_t kDay = 86'400;

MetricStore& DayOfData() {
  static MetricStore* store = [] {
    auto* s = new MetricStore(MetricStoreOptions{Duration::Hours(3), Duration::Hours(25), 1'000'000});
    const Timestamp start = Timestamp::FromUnixSeconds(1'796'083'200);  // 2026-12-01T00:00Z
    const MetricId concurrent = MakeMetricId("AWS/Lambda", "ConcurrentExecutions");
    const MetricId claimed = MakeMetricId("AWS/Lambda", "ClaimedAccountConcurrency");
    std::vector<MetricId> per_function;
    for (int f = 0; f < kFunctions; ++f) {
      const std::string name = "fn-" + std::to_string(f);
      for (const char* metric : {"ConcurrentExecutions", "Invocations", "Duration"}) {
        per_function.push_back(MakeMetricId("AWS/Lambda", metric, {{"FunctionName", name}}));
      }
    }
    for (std::int64_t minute = 0; minute < kDay / 60; ++minute) {
      const Timestamp at = start + Duration::Seconds(minute * 60);
      s->Record(0, concurrent, at, static_cast<double>(minute % 700), 1, "Count");
      s->Record(0, claimed, at, static_cast<double>(300 + minute % 500), 1, "Count");
      for (const MetricId& id : per_function) s->Record(0, id, at, 1, 1, "Count");
    }
    return s;
  }();
  return *store;
}

void BM_PercentClaimed24h(benchmark::State& state) {
  MetricStore& store = DayOfData();
  const Timestamp start = Timestamp::FromUnixSeconds(1'796'083'200);
  const Timestamp end = start + Duration::Seconds(kDay);
  std::vector<MetricQuery> queries(4);
  queries[0].id = "m1";
  queries[0].metric_stat = MetricStatQuery{MakeMetricId("AWS/Lambda", "ConcurrentExecutions"), Duration::Seconds(60),
                                           Statistic{StatisticKind::kMaximum, 0}, std::nullopt};
  queries[0].return_data = false;
  queries[1].id = "e1";
  queries[1].expression = "SERVICE_QUOTA(m1)";
  queries[1].return_data = false;
  queries[2].id = "m2";
  queries[2].metric_stat = MetricStatQuery{MakeMetricId("AWS/Lambda", "ClaimedAccountConcurrency"),
                                           Duration::Seconds(60), Statistic{StatisticKind::kMaximum, 0}, std::nullopt};
  queries[2].return_data = false;
  queries[3].id = "e2";
  queries[3].expression = "(m2/e1)*100";
  QueryEnvironment env;
  env.start = start;
  env.end = end;
  env.fetch = [&](const MetricStatQuery& q) {
    TimeSeries series;
    for (const Datapoint& p : store.Query(0, q.metric, start, end, q.period, q.statistic)) {
      series.timestamps.push_back(p.at);
      series.values.push_back(p.value);
    }
    series.source = q.metric;
    return series;
  };
  env.service_quota = [](const MetricId&) -> std::optional<double> { return 1000.0; };
  std::size_t points = 0;
  for (auto _ : state) {
    auto results = EvaluateQueries(queries, env);
    points = results.value().back().series.values.size();
    benchmark::DoNotOptimize(results);
  }
  state.counters["points"] = static_cast<double>(points);
}
BENCHMARK(BM_PercentClaimed24h)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hr::telemetry
