#include "telemetry/alarm_queries.h"

#include <gtest/gtest.h>

#include "telemetry/metric_id.h"

namespace hr::telemetry {
namespace {

MetricQuery Maximum(std::string_view name) {
  MetricQuery q;
  q.id = "m1";
  q.metric_stat = MetricStatQuery{MakeMetricId("AWS/Lambda", std::string(name), {}), Duration::Seconds(60),
                                  Statistic{StatisticKind::kMaximum, 0}, std::nullopt};
  return q;
}

// The range is the 3 + 2 periods before the current minute; the runner's datapoints land in
// their periods (one outside the range is dropped), and a single-metric alarm's sample counts
// come from a second, SampleCount query over the same range.
TEST(EvaluateAlarmQueries, PlacesEachDatapointInItsPeriodAndAddsSampleCounts) {
  AlarmRule rule;
  rule.threshold = 70;
  rule.evaluation_periods = 3;
  rule.datapoints_to_alarm = 3;
  rule.statistic = "Maximum";
  const Timestamp now = Timestamp::FromUnixSeconds(600 + 17);  // 00:10:17
  std::vector<std::pair<Timestamp, Timestamp>> windows;
  std::vector<StatisticKind> kinds;
  const AlarmQueryRunner run = [&](std::span<const MetricQuery> queries, Timestamp start, Timestamp end) {
    windows.emplace_back(start, end);
    kinds.push_back(queries[0].metric_stat->statistic.kind);
    QueryResult r;
    const bool counts = queries[0].metric_stat->statistic.kind == StatisticKind::kSampleCount;
    for (int minute : {4, 7, 8, 9, 10}) {
      r.series.timestamps.push_back(Timestamp::FromUnixSeconds(60 * minute));
      r.series.values.push_back(counts ? 60 : 80 + minute);
    }
    return StatusOr<std::vector<QueryResult>>(std::vector<QueryResult>{r});
  };
  const std::vector<MetricQuery> queries{Maximum("ClaimedAccountConcurrency")};
  const AlarmEvaluation e = EvaluateAlarmQueries(rule, AlarmState::kOk, queries, run, now);
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_EQ(windows[0].first, Timestamp::FromUnixSeconds(300));
  EXPECT_EQ(windows[0].second, Timestamp::FromUnixSeconds(600));
  EXPECT_EQ(kinds, (std::vector<StatisticKind>{StatisticKind::kMaximum, StatisticKind::kSampleCount}));
  EXPECT_EQ(e.state, AlarmState::kAlarm);
  // Minutes 7, 8 and 9 breach (87, 88, 89); minute 10 is not complete and 4 is before the range.
  EXPECT_EQ(e.reason,
            "Threshold Crossed: 3 datapoints [89.0 (01/01/70 00:09:00), 88.0 (01/01/70 00:08:00), "
            "87.0 (01/01/70 00:07:00)] were greater than the threshold (70.0).");
  EXPECT_NE(e.reason_data.find("\"sampleCount\":60.0"), std::string::npos) << e.reason_data;
}

TEST(EvaluateAlarmQueries, AMetricMathAlarmRunsItsQueriesOnceAndAFailureIsMissingData) {
  AlarmRule rule;
  rule.threshold = 1;
  rule.evaluation_periods = 1;
  int calls = 0;
  const AlarmQueryRunner fail = [&](std::span<const MetricQuery>, Timestamp, Timestamp) {
    ++calls;
    return StatusOr<std::vector<QueryResult>>(Status(ErrorCode::kValidation, "bad expression"));
  };
  MetricQuery expression;
  expression.id = "e1";
  expression.expression = "m1 * 2";
  const std::vector<MetricQuery> queries{expression};
  const AlarmEvaluation e = EvaluateAlarmQueries(rule, AlarmState::kOk, queries, fail, Timestamp::FromUnixSeconds(600));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(e.state, AlarmState::kInsufficientData);
}

}  // namespace
}  // namespace hr::telemetry
