#include "telemetry/lambda_metrics.h"

#include <gtest/gtest.h>

namespace hr::telemetry {
namespace {

const Timestamp kT0 = Timestamp::FromUnixSeconds(1'796'158'800);  // a whole minute
const Statistic kMax{StatisticKind::kMaximum, 0};
const Statistic kSum{StatisticKind::kSum, 0};

class LambdaMetricsTest : public ::testing::Test {
 protected:
  // The statistic of `name` with `dims` over the minute of kT0.
  std::optional<double> Minute(std::string_view name, std::vector<Dimension> dims, Statistic stat) {
    metrics.FlushGauges();
    auto points = store.Query(0, MakeMetricId("AWS/Lambda", std::string(name), std::move(dims)), kT0,
                              kT0 + Duration::Seconds(60), Duration::Seconds(60), stat);
    if (points.empty()) return std::nullopt;
    return points[0].value;
  }

  MetricStore store;
  LambdaMetrics metrics{store};
};

TEST_F(LambdaMetricsTest, CountsCarryEveryDimensionSetOfTheInvocation) {
  InvocationLabels alias{"orders", "live", "7", false, "", 0};
  metrics.Started(0, alias, false, false, {1, 1, 1000}, kT0);
  metrics.Finished(0, alias, false, Duration::Millis(250), true, {0, 0, 1000}, kT0 + Duration::Millis(300));
  EXPECT_EQ(Minute("Invocations", {}, kSum), 1);
  EXPECT_EQ(Minute("Invocations", {{"FunctionName", "orders"}}, kSum), 1);
  EXPECT_EQ(Minute("Invocations", {{"FunctionName", "orders"}, {"Resource", "orders:live"}}, kSum), 1);
  EXPECT_EQ(Minute("Errors", {{"ExecutedVersion", "7"}, {"FunctionName", "orders"}, {"Resource", "orders:live"}}, kSum), 1);
  EXPECT_EQ(Minute("Duration", {{"FunctionName", "orders"}}, kMax), 250);
  // Unqualified: no Resource series.
  InvocationLabels plain{"orders", "", "$LATEST", false, "", 0};
  metrics.Throttled(0, plain, kT0 + Duration::Seconds(1));
  EXPECT_EQ(Minute("Throttles", {{"FunctionName", "orders"}}, kSum), 1);
  EXPECT_EQ(Minute("Throttles", {{"FunctionName", "orders"}, {"Resource", "orders:$LATEST"}}, kSum), std::nullopt);
  EXPECT_EQ(metrics.Account(0)->throttles, 1u);
}

TEST_F(LambdaMetricsTest, GaugesKeepEachSecondsPeakAndTheEnginesPool) {
  InvocationLabels f{"f", "", "$LATEST", false, "", 0};
  // Three start within one second and all end before it is over: the peak is 3.
  for (int i = 0; i < 3; ++i) metrics.Started(0, f, false, false, {i + 1, i + 11, 1000}, kT0 + Duration::Millis(i));
  for (int i = 0; i < 3; ++i) {
    metrics.Finished(0, f, false, Duration::Millis(1), false, {2 - i, 12 - i, 1000}, kT0 + Duration::Millis(10 + i));
  }
  EXPECT_EQ(Minute("ConcurrentExecutions", {}, kMax), 3);
  EXPECT_EQ(Minute("ConcurrentExecutions", {{"FunctionName", "f"}}, kMax), 3);
  EXPECT_EQ(Minute("UnreservedConcurrentExecutions", {}, kMax), 3);
  EXPECT_EQ(Minute("ClaimedAccountConcurrency", {}, kMax), 13);
}

TEST_F(LambdaMetricsTest, SampleGivesASteadyLevelADatapointEverySecond) {
  InvocationLabels f{"f", "", "$LATEST", false, "", 0};
  metrics.Started(0, f, false, false, {1, 1, 1000}, kT0);
  for (int s = 1; s <= 5; ++s) metrics.Sample(0, {1, 1, 1000}, kT0 + Duration::Seconds(s));
  metrics.FlushGauges();
  auto points = store.Query(0, MakeMetricId("AWS/Lambda", "ConcurrentExecutions", {{"FunctionName", "f"}}), kT0,
                            kT0 + Duration::Seconds(10), Duration::Seconds(1), kMax);
  ASSERT_EQ(points.size(), 6u);
  for (const Datapoint& p : points) EXPECT_EQ(p.value, 1);
}

TEST_F(LambdaMetricsTest, ProvisionedUtilizationOnlyWhileBusy) {
  InvocationLabels pc{"f", "live", "3", false, "live", 4};
  metrics.Started(0, pc, true, false, {0, 4, 1000}, kT0);
  metrics.Started(0, pc, false, true, {1, 5, 1000}, kT0 + Duration::Millis(1));  // spillover
  const std::vector<Dimension> resource{{"FunctionName", "f"}, {"Resource", "f:live"}};
  EXPECT_EQ(Minute("ProvisionedConcurrencyInvocations", resource, kSum), 1);
  EXPECT_EQ(Minute("ProvisionedConcurrencySpilloverInvocations", resource, kSum), 1);
  EXPECT_EQ(Minute("ProvisionedConcurrencyUtilization", resource, kMax), 0.25);
  EXPECT_EQ(Minute("ProvisionedConcurrentExecutions", resource, kMax), 1);
  // Idle for the next minute: ProvisionedConcurrentExecutions says 0, utilization says nothing.
  metrics.Finished(0, pc, true, Duration::Millis(1), false, {1, 5, 1000}, kT0 + Duration::Millis(2));
  const Timestamp next = kT0 + Duration::Seconds(60);
  metrics.Sample(0, {1, 5, 1000}, next);
  auto util = store.Query(0, MakeMetricId("AWS/Lambda", "ProvisionedConcurrencyUtilization", resource), next,
                          next + Duration::Seconds(60), Duration::Seconds(60), kMax);
  EXPECT_TRUE(util.empty());
}

}  // namespace
}  // namespace hr::telemetry
