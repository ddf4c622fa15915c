#include "telemetry/alarm_validation.h"

#include <gtest/gtest.h>

#include "telemetry/metric_id.h"

namespace hr::telemetry {
namespace {

MetricQuery Stat(std::string id, int period, bool return_data) {
  MetricQuery q;
  q.id = std::move(id);
  q.return_data = return_data;
  q.metric_stat = MetricStatQuery{MakeMetricId("AWS/Lambda", "Throttles", {}), Duration::Seconds(period),
                                  Statistic{StatisticKind::kSum, 0}, std::nullopt};
  return q;
}

MetricQuery Expression(std::string id, std::optional<int> period, bool return_data) {
  MetricQuery q;
  q.id = std::move(id);
  q.expression = "m1 * 2";
  q.return_data = return_data;
  if (period) q.period = Duration::Seconds(*period);
  return q;
}

TEST(MetricMathAlarmPeriod, TheSharedPeriodOrCloudWatchsReason) {
  EXPECT_EQ(*MetricMathAlarmPeriod(std::vector{Stat("m1", 60, false), Expression("e1", std::nullopt, true)}), 60);
  EXPECT_EQ(*MetricMathAlarmPeriod(std::vector{Expression("e1", 300, true)}), 300);
  EXPECT_EQ(MetricMathAlarmPeriod(std::vector{Stat("m1", 60, false), Stat("m2", 300, true)}).status().message(),
            "All metrics in a metric math alarm must have the same period.");
  EXPECT_EQ(MetricMathAlarmPeriod(std::vector{Stat("m1", 60, true), Expression("e1", std::nullopt, true)}).status().message(),
            "Exactly one element of the metrics list should return data.");
  EXPECT_EQ(MetricMathAlarmPeriod(std::vector{Stat("m1", 60, false)}).status().message(),
            "Exactly one element of the metrics list should return data.");
  EXPECT_EQ(MetricMathAlarmPeriod(std::vector{Expression("e1", std::nullopt, true)}).status().message(),
            "The metric math alarm needs a metric with a period.");
}

TEST(CheckAlarmPeriod, AllowedPeriodsAndTheEvaluationWindow) {
  for (int ok : {10, 20, 30, 60, 120, 3600}) EXPECT_TRUE(CheckAlarmPeriod(ok, 1).ok()) << ok;
  for (int bad : {0, 1, 15, 45, 90}) {
    EXPECT_EQ(CheckAlarmPeriod(bad, 1).message(), "Period must be 10, 20, 30 or a multiple of 60") << bad;
  }
  EXPECT_TRUE(CheckAlarmPeriod(60, 1440).ok());
  EXPECT_EQ(CheckAlarmPeriod(60, 1441).message(),
            "The evaluation period of the alarm (Period x EvaluationPeriods) must not exceed 86400 seconds (1 day) "
            "for periods under one hour.");
  EXPECT_TRUE(CheckAlarmPeriod(3600, 168).ok());
  EXPECT_EQ(CheckAlarmPeriod(3600, 169).message(),
            "The evaluation period of the alarm (Period x EvaluationPeriods) must not exceed 604800 seconds (7 days).");
}

}  // namespace
}  // namespace hr::telemetry
