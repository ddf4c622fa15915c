#include "sim/workload.h"

#include <gtest/gtest.h>

namespace hr::sim {
namespace {

std::string ErrorOf(const std::string& yaml) {
  auto w = ParseWorkload(yaml, "w.yaml");
  return w.ok() ? std::string("parsed") : w.status().message();
}

TEST(Workload, ParsesAFullFile) {
  auto w = ParseWorkload(R"(
account: {id: "111122223333", region: eu-west-1, limit: 2000, unreserved_minimum: 50}
length: 90m
seed: 9
keep_alive: 10m
functions:
  - name: a
    reserved: 100
    provisioned: {live: 10, "2": 5}
    invoke: "2"
    duration: {percentiles: {p50: 100ms, p99: 1s}}
    init: {uniform: [100ms, 200ms]}
    timeout: 30s
    traffic:
      - poisson: {rate: 10, start: 1m, end: 2m}
      - spike: {at: 5s, count: 3, over: 1s}
      - diurnal: {mean: 5, amplitude: 2, peak_at: 3h}
      - ramp: {from: 1, to: 9, end: 10m}
      - step: {steps: [{at: 0s, rate: 1}, {at: 1m, rate: 2}]}
      - constant: {rate: 0.5}
trace: traces/t.csv
)", "w.yaml", "/base");
  ASSERT_TRUE(w.ok()) << w.status().message();
  EXPECT_EQ(w->account_id, "111122223333");
  EXPECT_EQ(w->region, "eu-west-1");
  EXPECT_EQ(w->limit, 2000);
  EXPECT_EQ(w->unreserved_minimum, 50);
  EXPECT_EQ(w->length, Duration::Minutes(90));
  EXPECT_EQ(w->seed, 9u);
  EXPECT_EQ(w->keep_alive, Duration::Minutes(10));
  ASSERT_EQ(w->functions.size(), 1u);
  const FunctionSpec& f = w->functions[0];
  EXPECT_EQ(f.reserved, 100);
  ASSERT_EQ(f.provisioned.size(), 2u);
  EXPECT_EQ(f.provisioned[1].qualifier, "2");
  EXPECT_EQ(f.invoke, "2");
  EXPECT_EQ(f.duration.kind, Distribution::Kind::kPercentiles);
  EXPECT_EQ(f.duration.points.front().first, 0.0);  // extended to p0 and p100
  EXPECT_EQ(f.duration.points.back().first, 1.0);
  EXPECT_EQ(f.init.kind, Distribution::Kind::kUniform);
  EXPECT_EQ(f.timeout, Duration::Seconds(30));
  ASSERT_EQ(f.traffic.size(), 6u);
  EXPECT_EQ(f.traffic[0].start, Duration::Minutes(1).nanos());
  EXPECT_EQ(f.traffic[1].count, 3);
  ASSERT_TRUE(w->trace);
  EXPECT_EQ(w->trace->path, "/base/traces/t.csv");
}

TEST(Workload, Durations) {
  EXPECT_EQ(ParseDurationText("250ms"), Duration::Millis(250));
  EXPECT_EQ(ParseDurationText("1.5s"), Duration::Millis(1500));
  EXPECT_EQ(ParseDurationText("2m"), Duration::Minutes(2));
  EXPECT_EQ(ParseDurationText("1h"), Duration::Hours(1));
  EXPECT_EQ(ParseDurationText("250us"), Duration::Micros(250));
  EXPECT_EQ(ParseDurationText("0"), Duration::Zero());
  EXPECT_FALSE(ParseDurationText("5"));
  EXPECT_FALSE(ParseDurationText("-1s"));
  EXPECT_FALSE(ParseDurationText("1 s"));
  EXPECT_FALSE(ParseDurationText("1y"));
}

// Each bad file names the line and column of what is wrong.
TEST(Workload, ErrorsHaveLineAndColumn) {
  EXPECT_EQ(ErrorOf("account:\n  limit: ten\n"), "w.yaml:2:10: limit must be a whole number, not 'ten'");
  EXPECT_EQ(ErrorOf("account: {limit: 10}\nlenght: 5m\n"),
            "w.yaml:2:1: unknown key 'lenght' in the workload (expected one of: account, length, seed, keep_alive, "
            "functions, trace, alarms, quota_policy)");
  EXPECT_EQ(ErrorOf("functions:\n  - name: a\n    duration: 100\n"),
            "w.yaml:3:15: duration must be a duration such as 250ms, 2s, 5m or 1h, not '100'");
  EXPECT_EQ(ErrorOf("functions:\n  - name: a\n    traffic: {poisson: {rat: 5}}\n"),
            "w.yaml:3:25: unknown key 'rat' in poisson (expected one of: rate, start, end)");
  EXPECT_EQ(ErrorOf("functions:\n  - name: a\n    traffic: {burst: {}}\n"),
            "w.yaml:3:15: unknown traffic kind 'burst' (expected constant, poisson, step, ramp, spike or diurnal)");
  EXPECT_EQ(ErrorOf("functions:\n  - name: a\n  - name: a\n"), "w.yaml:3:11: function 'a' is declared twice");
  EXPECT_EQ(ErrorOf("functions:\n  - reserved: 5\n"), "w.yaml:2:5: a function needs 'name'");
  EXPECT_EQ(ErrorOf("functions: [\n"), "w.yaml:2:1: end of sequence flow not found");
  EXPECT_EQ(ErrorOf("functions:\n  - name: a\n    duration: {percentiles: {p90: 1s, p50: 2s}}\n"),
            "w.yaml:3:39: percentiles must be listed in increasing order, with values that do not decrease");
  EXPECT_EQ(ErrorOf("functions:\n  - name: a\n    provisioned: {$LATEST: 3}\n"),
            "w.yaml:3:19: provisioned concurrency cannot be configured on $LATEST");
  EXPECT_EQ(ErrorOf(""), "w.yaml:1:1: the workload is empty");
  EXPECT_EQ(ErrorOf("- 1\n"), "w.yaml:1:1: the workload must be a map, not a list");
}

TEST(Workload, AlarmErrors) {
  EXPECT_EQ(ErrorOf("alarms:\n  - AlarmName: x\n    MetricName: Throttles\n    Namespace: AWS/Lambda\n"
                    "    Statistic: Sum\n    Period: 45\n    EvaluationPeriods: 1\n    Threshold: 1\n"
                    "    ComparisonOperator: GreaterThanThreshold\n"),
            "w.yaml:6:13: Period must be 10, 20, 30 or a multiple of 60");
  EXPECT_EQ(ErrorOf("alarms:\n  - AlarmName: x\n    Metrics:\n      - Id: e1\n        Expression: nope(\n"
                    "    EvaluationPeriods: 1\n    Threshold: 1\n    ComparisonOperator: GreaterThanThreshold\n"),
            "w.yaml:4:7: The metric math alarm needs a metric with a period.");
  EXPECT_EQ(ErrorOf("alarms:\n  - AlarmName: x\n    MetricName: Throttles\n    Namespace: AWS/Lambda\n"
                    "    Statistic: Sum\n    Period: 60\n    EvaluationPeriods: 1\n    Threshold: 1\n"
                    "    ComparisonOperator: Sideways\n"),
            "w.yaml:9:25: ComparisonOperator 'Sideways' is not a static-threshold operator");
  EXPECT_EQ(ErrorOf("quota_policy: {alarm: nope}\n"),
            "w.yaml:1:23: quota_policy names alarm 'nope', which is not declared");
}

TEST(Workload, NeverThrowsOnGarbage) {
  for (const char* text : {"{{{{", "a: [1, 2", "? : :", "\t\tfoo", "functions: {name: 1}", "&a [*a]",
                           "functions:\n  - name: a\n    traffic: [[[]]]\n", "length: 1e400s"}) {
    auto w = ParseWorkload(text, "g.yaml");
    EXPECT_FALSE(w.ok()) << text;
    if (!w.ok()) {
      EXPECT_EQ(w.status().message().rfind("g.yaml:", 0), 0u) << w.status().message();
    }
  }
}

}  // namespace
}  // namespace hr::sim
