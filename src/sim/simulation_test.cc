#include "sim/simulation.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "sim/report.h"
#include "sim/timeline.h"

namespace hr::sim {
namespace {

Workload Parse(const std::string& yaml) {
  auto w = ParseWorkload(yaml, "t.yaml");
  EXPECT_TRUE(w.ok()) << w.status().message();
  return w.ok() ? std::move(*w) : Workload{};
}

SimulationResult RunWorkload(const Workload& w, std::vector<SecondSample>* seconds = nullptr,
                     std::vector<std::vector<FunctionSecond>>* functions = nullptr) {
  SimulationOptions options;
  options.on_second = [&](const SecondSample& s) {
    if (seconds) seconds->push_back(s);
    if (functions) functions->emplace_back(s.functions.begin(), s.functions.end());
  };
  auto sim = Simulation::Create(w, options);
  EXPECT_TRUE(sim.ok()) << sim.status().message();
  if (!sim.ok()) return {};
  EXPECT_TRUE((*sim)->Run().ok());
  return (*sim)->result();
}

Workload Example(const std::string& name) {
  auto w = LoadWorkload(std::string(HR_SOURCE_DIR) + "/examples/" + name);
  EXPECT_TRUE(w.ok()) << w.status().message();
  return w.ok() ? std::move(*w) : Workload{};
}

std::uint64_t Reason(const SimulationResult& r, ThrottleReason reason) {
  return r.throttles_by_reason[static_cast<std::size_t>(reason)];
}

TEST(Simulation, Scenario1ClaimsNine) {
  const SimulationResult r = RunWorkload(Example("scenario1.yaml"));
  EXPECT_EQ(r.peak_claimed, 9);
  EXPECT_EQ(r.limit_start - r.peak_claimed, 1);
  EXPECT_EQ(r.throttled, 0u);
}

TEST(Simulation, Scenario2Claims960) {
  const SimulationResult r = RunWorkload(Example("scenario2.yaml"));
  EXPECT_EQ(r.peak_claimed, 960);
  EXPECT_EQ(r.allocated, 900);
  EXPECT_EQ(r.throttled, 0u);
}

TEST(Simulation, Scenario3Throttles110) {
  const SimulationResult r = RunWorkload(Example("scenario3.yaml"));
  EXPECT_EQ(r.throttled, 110u);
  EXPECT_EQ(Reason(r, ThrottleReason::kConcurrentInvocationLimitExceeded), 110u);
  EXPECT_EQ(r.peak_claimed, 1000);
  std::uint64_t admitted_spike = 0;
  for (const FunctionResult& f : r.functions) {
    if (f.name == "G" || f.name == "H" || f.name == "I") admitted_spike += f.admitted;
  }
  EXPECT_EQ(admitted_spike, 40u);
}

TEST(Simulation, BurstFasterThanScalingIsThrottledByTheScalingRate) {
  const SimulationResult r = RunWorkload(Example("burst-faster-than-scaling.yaml"));
  EXPECT_GT(Reason(r, ThrottleReason::kFunctionInvocationRateLimitExceeded), 0u);
  EXPECT_EQ(Reason(r, ThrottleReason::kConcurrentInvocationLimitExceeded), 0u);
  EXPECT_LT(r.peak_claimed, 5000);
}

TEST(Simulation, SameSeedGivesByteIdenticalOutput) {
  Workload w = Example("3am-spike.yaml");
  w.length = Duration::Minutes(5);
  auto once = [&] {
    std::string csv_rows;
    TimelineChart chart;
    SimulationOptions options;
    options.on_second = [&](const SecondSample& s) {
      chart.Add(s);
      csv_rows += std::to_string(s.claimed) + "," + std::to_string(s.throttles) + "\n";
    };
    auto sim = Simulation::Create(w, options);
    EXPECT_TRUE(sim.ok());
    EXPECT_TRUE((*sim)->Run().ok());
    return ReportJson((*sim)->result()) + ReportHtml((*sim)->result(), chart, "t") + csv_rows;
  };
  const std::string a = once();
  EXPECT_EQ(a, once());
  Workload other = w;
  other.seed = w.seed + 1;
  auto sim = Simulation::Create(other);
  ASSERT_TRUE(sim.ok());
  ASSERT_TRUE((*sim)->Run().ok());
  EXPECT_NE(ReportJson((*sim)->result()), ReportJson(RunWorkload(w)));
}

TEST(Simulation, ThreeAmSpikeFiresTheAlarmAndTheQuotaPolicyRaisesTheLimit) {
  const SimulationResult r = RunWorkload(Example("3am-spike.yaml"));
  ASSERT_EQ(r.alarms.size(), 2u);
  bool fired = false;
  for (const AlarmTransition& t : r.alarms[0].transitions) {
    if (t.to == telemetry::AlarmState::kAlarm) {
      fired = true;
      EXPECT_GE(t.at_second, 3600);  // only after the step at 1h
      EXPECT_NE(t.reason.find("greater than the threshold (70.0)"), std::string::npos) << t.reason;
    }
  }
  EXPECT_TRUE(fired);
  ASSERT_EQ(r.quota_changes.size(), 1u);
  EXPECT_EQ(r.quota_changes[0].from, 1000);
  EXPECT_EQ(r.quota_changes[0].to, 2000);
  EXPECT_EQ(r.quota_changes[0].approved_at_second, r.quota_changes[0].requested_at_second + 900);
  EXPECT_EQ(r.limit_end, 2000);
}

TEST(Simulation, ProvisionedConcurrencyServesFirstThenSpillsOver) {
  const SimulationResult r = RunWorkload(Parse(R"(
length: 10s
functions:
  - name: p
    provisioned: {live: 5}
    duration: 10s
    traffic: {spike: {at: 1s, count: 8}}
)"));
  ASSERT_EQ(r.functions.size(), 1u);
  EXPECT_EQ(r.functions[0].provisioned, 5);
  EXPECT_EQ(r.functions[0].provisioned_starts, 5u);
  EXPECT_EQ(r.functions[0].spillover, 3u);
  EXPECT_EQ(r.functions[0].cold_starts, 3u);
  EXPECT_EQ(r.functions[0].peak_provisioned_busy, 5);
}

TEST(Simulation, WarmEnvironmentsAreReusedUntilTheKeepAlive) {
  // One request every 10 s: with a 1-minute keep-alive each is warm after the first; with
  // 5 s every one is cold.
  const std::string base = "length: 100s\nfunctions:\n  - name: f\n    duration: 1s\n"
                           "    traffic: {constant: {rate: 0.1}}\n";
  SimulationResult warm = RunWorkload(Parse("keep_alive: 1m\n" + base));
  EXPECT_EQ(warm.functions[0].cold_starts, 1u);
  EXPECT_EQ(warm.functions[0].warm_starts, 9u);
  SimulationResult cold = RunWorkload(Parse("keep_alive: 5s\n" + base));
  EXPECT_EQ(cold.functions[0].cold_starts, 10u);
}

TEST(Simulation, InitCountsTowardConcurrencyAndTimeoutsEndInvocations) {
  std::vector<SecondSample> seconds;
  std::vector<std::vector<FunctionSecond>> functions;
  const SimulationResult r = RunWorkload(Parse(R"(
length: 10s
functions:
  - name: f
    duration: 1s
    init: 2s
    timeout: 2500ms
    traffic: {spike: {at: 1s, count: 4}}
)"), &seconds, &functions);
  EXPECT_EQ(r.functions[0].timeouts, 4u);  // 2 s init + 1 s > 2.5 s
  ASSERT_GE(functions.size(), 5u);
  EXPECT_EQ(functions[1][0].concurrency, 4);  // second [1, 2)
  EXPECT_EQ(functions[3][0].concurrency, 4);  // [3, 4): ended at 3.5 s
  EXPECT_EQ(functions[4][0].concurrency, 0);
}

TEST(Simulation, ReservedConcurrencyThrottlesWithItsReason) {
  const SimulationResult r = RunWorkload(Parse(R"(
length: 5s
functions:
  - name: r
    reserved: 2
    duration: 10s
    traffic: {spike: {at: 1s, count: 5}}
)"));
  EXPECT_EQ(Reason(r, ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded), 3u);
}

TEST(Simulation, EngineRulesAreReportedAtTheFunction) {
  auto w = ParseWorkload("account: {limit: 1000}\nfunctions:\n  - name: big\n    reserved: 950\n", "t.yaml");
  ASSERT_TRUE(w.ok());
  auto sim = Simulation::Create(*w);
  ASSERT_FALSE(sim.ok());
  EXPECT_EQ(sim.status().message().rfind("t.yaml:3:5: function 'big': ", 0), 0u) << sim.status().message();
}

TEST(Simulation, AlarmOnAMetricTheSimulatorDoesNotProduceIsAnError) {
  auto w = ParseWorkload(R"(
alarms:
  - AlarmName: x
    Namespace: AWS/SQS
    MetricName: ApproximateNumberOfMessagesVisible
    Statistic: Maximum
    Period: 60
    EvaluationPeriods: 1
    Threshold: 1
    ComparisonOperator: GreaterThanThreshold
)", "t.yaml");
  ASSERT_TRUE(w.ok());
  auto sim = Simulation::Create(*w);
  ASSERT_FALSE(sim.ok());
  EXPECT_EQ(sim.status().message().rfind("t.yaml:3:5: alarm 'x' reads AWS/SQS", 0), 0u) << sim.status().message();
}

TEST(Simulation, ReplaysATraceWithItsDurations) {
  const std::string path = ::testing::TempDir() + "/sim_trace.csv";
  {
    std::ofstream out(path);
    out << "timestamp,function,duration_ms\n0.5,a,2000\n0.5,a,2000\n1.25,b\n3,a,10\n";
  }
  Workload w = Parse("length: 5s\nfunctions:\n  - name: a\n  - name: b\n    duration: 500ms\n    reserved: 0\n");
  w.trace = TraceSpec{path};
  std::vector<std::vector<FunctionSecond>> functions;
  const SimulationResult r = RunWorkload(w, nullptr, &functions);
  EXPECT_EQ(r.functions[0].requests, 3u);
  EXPECT_EQ(r.functions[1].requests, 1u);
  EXPECT_EQ(r.functions[1].throttled, 1u);  // RC 0
  ASSERT_GE(functions.size(), 3u);
  EXPECT_EQ(functions[0][0].concurrency, 2);
  EXPECT_EQ(functions[2][0].concurrency, 2);  // the 2 s invocations run until 2.5 s
  EXPECT_EQ(r.functions[0].warm_starts, 1u);  // the one at 3 s
}

TEST(Simulation, ABadTraceLineStopsTheRunWithItsLineNumber) {
  const std::string path = ::testing::TempDir() + "/sim_bad_trace.csv";
  {
    std::ofstream out(path);
    out << "0.5,a\n0.7,zzz\n";
  }
  Workload w = Parse("length: 5s\nfunctions:\n  - name: a\n");
  w.trace = TraceSpec{path};
  auto sim = Simulation::Create(w);
  ASSERT_TRUE(sim.ok());
  const Status s = (*sim)->Run();
  EXPECT_EQ(s.message(), path + ":2: unknown function 'zzz'");
}

}  // namespace
}  // namespace hr::sim
