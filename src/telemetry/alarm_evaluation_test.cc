#include "telemetry/alarm_evaluation.h"

#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "base/iso_time.h"

namespace hr::telemetry {
namespace {

Timestamp At(const char* iso) { return *ParseIsoTimestamp(iso); }

// The newest period of every range below starts at 21:30:00 on 1 December 2026 and the
// evaluation runs at 21:31:00, so reasons date it "(01/12/26 21:30:00)".
const Timestamp kNewest = At("2026-12-01T21:30:00Z");
const Timestamp kQuery = At("2026-12-01T21:31:00Z");

constexpr double kThreshold = 70;
constexpr double kGood = 10;  // "0" in AWS's tables: not breaching
constexpr double kBad = 90;   // "X": breaching

// AWS's notation, oldest first: "0 - X - X". One period per minute, the last at kNewest.
std::vector<PeriodValue> Points(std::string_view pattern) {
  std::vector<PeriodValue> range;
  for (char c : pattern) {
    if (c == ' ') continue;
    PeriodValue p;
    if (c == '0') p.value = kGood;
    if (c == 'X') p.value = kBad;
    range.push_back(p);
  }
  for (std::size_t i = 0; i < range.size(); ++i) {
    range[i].at = kNewest - Duration::Minutes(static_cast<std::int64_t>(range.size() - 1 - i));
  }
  return range;
}

AlarmRule Rule(int n, int m, TreatMissingData treat) {
  AlarmRule rule;
  rule.comparison = ComparisonOperator::kGreaterThanThreshold;
  rule.threshold = kThreshold;
  rule.evaluation_periods = n;
  rule.datapoints_to_alarm = m;
  rule.treat_missing = treat;
  rule.period = Duration::Seconds(60);
  rule.statistic = "Maximum";
  return rule;
}

constexpr std::array<AlarmState, 3> kStates = {AlarmState::kOk, AlarmState::kAlarm,
                                               AlarmState::kInsufficientData};

// --- Spec §6.4: both tables, every row and every column, N = 3, evaluation range 5. -------

enum class Want { kOk, kAlarm, kInsufficientData, kRetain };

struct TableRow {
  const char* points;  // oldest -> newest
  int m;               // DatapointsToAlarm
  // Columns: MISSING, IGNORE, BREACHING, NOT BREACHING.
  std::array<Want, 4> want;
  const char* source;
};

constexpr std::array<TreatMissingData, 4> kColumns = {
    TreatMissingData::kMissing, TreatMissingData::kIgnore, TreatMissingData::kBreaching,
    TreatMissingData::kNotBreaching};

using W = Want;
const TableRow kTables[] = {
    // First table: Datapoints to Alarm 3 of Evaluation Periods 3.
    {"0 - X - X", 3, {W::kOk, W::kOk, W::kOk, W::kOk}, "spec table 1 row 1"},
    {"0 - - - -", 3, {W::kOk, W::kOk, W::kOk, W::kOk}, "spec table 1 row 2"},
    {"- - - - -", 3, {W::kInsufficientData, W::kRetain, W::kAlarm, W::kOk}, "spec table 1 row 3"},
    {"0 X X - X", 3, {W::kAlarm, W::kAlarm, W::kAlarm, W::kAlarm}, "spec table 1 row 4"},
    {"- - X - -", 3, {W::kAlarm, W::kRetain, W::kAlarm, W::kOk}, "spec table 1 row 5"},
    // Second table: 2 out of 3.
    {"0 - X - X", 2, {W::kAlarm, W::kAlarm, W::kAlarm, W::kAlarm}, "spec table 2 row 1"},
    {"0 0 X 0 X", 2, {W::kAlarm, W::kAlarm, W::kAlarm, W::kAlarm}, "spec table 2 row 2"},
    {"0 - X - -", 2, {W::kOk, W::kOk, W::kAlarm, W::kOk}, "spec table 2 row 3"},
    {"- - - - 0", 2, {W::kOk, W::kOk, W::kAlarm, W::kOk}, "spec table 2 row 4"},
    {"- - - X -", 2, {W::kAlarm, W::kRetain, W::kAlarm, W::kOk}, "spec table 2 row 5"},
    // The 2019 revision of the same page (awsdocs/amazon-cloudwatch-user-guide,
    // AlarmThatSendsEmail.md) has three rows the current one dropped.
    {"- - - - X", 3, {W::kInsufficientData, W::kRetain, W::kAlarm, W::kOk}, "2019 table 1 row 5"},
    {"X - - - -", 3, {W::kAlarm, W::kRetain, W::kAlarm, W::kOk}, "2019 table 1 row 6"},
    {"- - - - X", 2, {W::kInsufficientData, W::kRetain, W::kAlarm, W::kOk}, "2019 table 2 row 5"},
};

std::string_view WantName(Want w) {
  switch (w) {
    case Want::kOk: return "OK";
    case Want::kAlarm: return "ALARM";
    case Want::kInsufficientData: return "INSUFFICIENT_DATA";
    case Want::kRetain: return "retain";
  }
  return "?";
}

TEST(AlarmEvaluationTest, EveryRowAndColumnOfAwsMissingDataTables) {
  for (const TableRow& row : kTables) {
    const auto range = Points(row.points);
    ASSERT_EQ(range.size(), static_cast<std::size_t>(EvaluationRange(3)));
    for (std::size_t col = 0; col < kColumns.size(); ++col) {
      const AlarmRule rule = Rule(3, row.m, kColumns[col]);
      for (AlarmState current : kStates) {
        const AlarmEvaluation got = EvaluateAlarm(rule, current, range, kQuery);
        AlarmState want = current;
        switch (row.want[col]) {
          case Want::kOk: want = AlarmState::kOk; break;
          case Want::kAlarm: want = AlarmState::kAlarm; break;
          case Want::kInsufficientData: want = AlarmState::kInsufficientData; break;
          case Want::kRetain: break;
        }
        EXPECT_EQ(AlarmStateName(got.state), AlarmStateName(want))
            << row.source << ": \"" << row.points << "\" M=" << row.m << " "
            << TreatMissingDataName(kColumns[col]) << " (want " << WantName(row.want[col])
            << ") from " << AlarmStateName(current);
        if (row.want[col] == Want::kRetain) {
          EXPECT_EQ(got.reason, "") << row.source;
          EXPECT_EQ(got.reason_data, "") << row.source;
        } else {
          EXPECT_FALSE(got.reason.empty()) << row.source;
          EXPECT_FALSE(got.reason_data.empty()) << row.source;
        }
      }
    }
  }
}

TEST(AlarmEvaluationTest, EvaluationRangeIsFiveForThreePeriods) {
  EXPECT_EQ(EvaluationRange(3), 5);
  EXPECT_EQ(EvaluationRange(1), 3);
  EXPECT_EQ(EvaluationRange(5), 7);
}

// --- The premature-alarm rule, M = 3 of N = 3 with TreatMissingData=missing. --------------

TEST(AlarmEvaluationTest, PrematureRuleHoldsBackAYoungLoneBreach) {
  // "the alarm does not go immediately into ALARM state when the data is either - - - - X or
  // - - - X - and Datapoints to Alarm is 3".
  for (const char* points : {"- - - - X", "- - - X -"}) {
    for (AlarmState current : kStates) {
      const AlarmEvaluation got =
          EvaluateAlarm(Rule(3, 3, TreatMissingData::kMissing), current, Points(points), kQuery);
      EXPECT_NE(got.state, AlarmState::kAlarm) << points;
      EXPECT_EQ(got.state, AlarmState::kInsufficientData) << points;
    }
  }
  // Two unknown among the three evaluation periods.
  EXPECT_EQ(EvaluateAlarm(Rule(3, 3, TreatMissingData::kMissing), AlarmState::kOk,
                          Points("- - - X -"), kQuery)
                .reason,
            "Insufficient Data: 2 datapoints were unknown.");
}

TEST(AlarmEvaluationTest, PrematureRuleAlarmsOnceTheBreachIsOldEnough) {
  // "- - X - -": the breach is 3 periods old (M = 3) and nothing newer contradicts it.
  AlarmRule rule = Rule(3, 3, TreatMissingData::kMissing);
  rule.datapoints_to_alarm_given = true;
  const AlarmEvaluation got = EvaluateAlarm(rule, AlarmState::kOk, Points("- - X - -"), kQuery);
  EXPECT_EQ(got.state, AlarmState::kAlarm);
  EXPECT_EQ(got.reason,
            "Threshold Crossed: 1 out of the last 3 datapoints [90.0 (01/12/26 21:28:00)] was "
            "greater than the threshold (70.0) (minimum 3 datapoints for OK -> ALARM transition).");
  // A real non-breaching point anywhere in the range turns the rule off (table 2 row 3).
  EXPECT_EQ(EvaluateAlarm(rule, AlarmState::kAlarm, Points("0 - X - -"), kQuery).state,
            AlarmState::kOk);
}

// --- M out of N, TreatMissingData ignored with enough real points. -------------------------

TEST(AlarmEvaluationTest, MOfNNeedNotBeConsecutive) {
  AlarmRule rule = Rule(5, 3, TreatMissingData::kMissing);
  rule.datapoints_to_alarm_given = true;
  const auto alarm = EvaluateAlarm(rule, AlarmState::kOk, Points("0 0 X 0 X 0 X"), kQuery);
  EXPECT_EQ(alarm.state, AlarmState::kAlarm);
  EXPECT_EQ(alarm.reason,
            "Threshold Crossed: 3 out of the last 5 datapoints [90.0 (01/12/26 21:30:00), 90.0 "
            "(01/12/26 21:28:00), 90.0 (01/12/26 21:26:00)] were greater than the threshold "
            "(70.0) (minimum 3 datapoints for OK -> ALARM transition).");
  // Two breaches among the last five: OK, quoting the three that did not breach.
  const auto ok = EvaluateAlarm(rule, AlarmState::kAlarm, Points("X X X 0 X 0 0"), kQuery);
  EXPECT_EQ(ok.state, AlarmState::kOk);
  EXPECT_EQ(ok.reason,
            "Threshold Crossed: 3 out of the last 5 datapoints [10.0 (01/12/26 21:30:00), 10.0 "
            "(01/12/26 21:29:00), 10.0 (01/12/26 21:27:00)] were not greater than the threshold "
            "(70.0) (minimum 3 datapoints for ALARM -> OK transition).");
}

TEST(AlarmEvaluationTest, EnoughRealPointsUseTheMostRecentNAndIgnoreTreatMissingData) {
  // Three real points in "X 0 - 0 -": the most recent three are X 0 0, one breach of M = 2.
  for (TreatMissingData treat : kColumns) {
    const auto got = EvaluateAlarm(Rule(3, 2, treat), AlarmState::kAlarm, Points("X 0 - 0 -"), kQuery);
    EXPECT_EQ(got.state, AlarmState::kOk) << TreatMissingDataName(treat);
    EXPECT_EQ(got.reason,
              "Threshold Crossed: 2 datapoints [10.0 (01/12/26 21:29:00), 10.0 (01/12/26 "
              "21:27:00)] were not greater than the threshold (70.0).")
        << TreatMissingDataName(treat);
  }
}

TEST(AlarmEvaluationTest, IgnoreKeepsTheCurrentStateWhenDataIsShort) {
  for (const char* points : {"- - - - -", "- - X - -", "- - - - X"}) {
    for (AlarmState current : kStates) {
      const auto got =
          EvaluateAlarm(Rule(3, 3, TreatMissingData::kIgnore), current, Points(points), kQuery);
      EXPECT_EQ(got.state, current) << points;
      EXPECT_EQ(got.reason, "") << points;
    }
  }
  // With a real non-breaching point it decides like "missing" does.
  EXPECT_EQ(EvaluateAlarm(Rule(3, 3, TreatMissingData::kIgnore), AlarmState::kAlarm,
                          Points("0 - - - -"), kQuery)
                .state,
            AlarmState::kOk);
}

// --- StateReason texts. --------------------------------------------------------------------

TEST(AlarmEvaluationTest, ReasonWithDatapointsToAlarm) {
  AlarmRule rule = Rule(1, 1, TreatMissingData::kMissing);
  rule.datapoints_to_alarm_given = true;
  auto range = Points("- - X");
  range[2].value = 75;
  const auto alarm = EvaluateAlarm(rule, AlarmState::kOk, range, kQuery);
  EXPECT_EQ(alarm.state, AlarmState::kAlarm);
  EXPECT_EQ(alarm.reason,
            "Threshold Crossed: 1 out of the last 1 datapoints [75.0 (01/12/26 21:30:00)] was "
            "greater than the threshold (70.0) (minimum 1 datapoint for OK -> ALARM transition).");
  range[2].value = 5;
  EXPECT_EQ(EvaluateAlarm(rule, AlarmState::kAlarm, range, kQuery).reason,
            "Threshold Crossed: 1 out of the last 1 datapoints [5.0 (01/12/26 21:30:00)] was not "
            "greater than the threshold (70.0) (minimum 1 datapoint for ALARM -> OK transition).");
}

TEST(AlarmEvaluationTest, ReasonWithoutDatapointsToAlarm) {
  AlarmRule rule = Rule(1, 1, TreatMissingData::kMissing);
  auto range = Points("- - 0");
  range[2].value = 5;
  const auto ok = EvaluateAlarm(rule, AlarmState::kAlarm, range, kQuery);
  EXPECT_EQ(ok.state, AlarmState::kOk);
  EXPECT_EQ(ok.reason,
            "Threshold Crossed: 1 datapoint [5.0 (01/12/26 21:30:00)] was not greater than the "
            "threshold (70.0).");
  range[2].value = 75;
  EXPECT_EQ(EvaluateAlarm(rule, AlarmState::kOk, range, kQuery).reason,
            "Threshold Crossed: 1 datapoint [75.0 (01/12/26 21:30:00)] was greater than the "
            "threshold (70.0).");

  // Several datapoints, newest first, with each comparison's words.
  rule = Rule(3, 3, TreatMissingData::kMissing);
  rule.comparison = ComparisonOperator::kGreaterThanOrEqualToThreshold;
  auto three = Points("- - 0 0 0");
  three[2].value = 1;
  three[3].value = 2;
  three[4].value = 3;
  EXPECT_EQ(EvaluateAlarm(rule, AlarmState::kAlarm, three, kQuery).reason,
            "Threshold Crossed: 3 datapoints [3.0 (01/12/26 21:30:00), 2.0 (01/12/26 21:29:00), "
            "1.0 (01/12/26 21:28:00)] were not greater than or equal to the threshold (70.0).");
  rule.comparison = ComparisonOperator::kLessThanThreshold;
  EXPECT_EQ(EvaluateAlarm(rule, AlarmState::kOk, three, kQuery).reason,
            "Threshold Crossed: 3 datapoints [3.0 (01/12/26 21:30:00), 2.0 (01/12/26 21:29:00), "
            "1.0 (01/12/26 21:28:00)] were less than the threshold (70.0).");
  rule.comparison = ComparisonOperator::kLessThanOrEqualToThreshold;
  rule.threshold = 2;
  EXPECT_EQ(EvaluateAlarm(rule, AlarmState::kAlarm, three, kQuery).reason,
            "Threshold Crossed: 1 datapoint [3.0 (01/12/26 21:30:00)] was not less than or equal "
            "to the threshold (2.0).");
}

TEST(AlarmEvaluationTest, ReasonWhenMissingPointsAreFilled) {
  // Recorded: "Threshold Crossed: 1 datapoint [1.0 (25/09/26 21:51:00)] was not less than the
  // threshold (1.0) and 1 missing datapoint was treated as [Breaching]."
  AlarmRule rule = Rule(2, 2, TreatMissingData::kBreaching);
  rule.comparison = ComparisonOperator::kLessThanThreshold;
  rule.threshold = 1;
  auto range = Points("- - 0 -");
  range[2].value = 1;
  const auto ok = EvaluateAlarm(rule, AlarmState::kAlarm, range, kQuery);
  EXPECT_EQ(ok.state, AlarmState::kOk);
  EXPECT_EQ(ok.reason,
            "Threshold Crossed: 1 datapoint [1.0 (01/12/26 21:29:00)] was not less than the "
            "threshold (1.0) and 1 missing datapoint was treated as [Breaching].");

  // Recorded: "... 1 out of the last 20 datapoints [613.0 (16/03/24 12:15:00)] was greater than
  // or equal to the threshold (1.0) and 19 missing datapoints were treated as [NonBreaching]
  // (minimum 1 datapoint for OK -> ALARM transition)."
  rule = Rule(3, 1, TreatMissingData::kNotBreaching);
  rule.datapoints_to_alarm_given = true;
  EXPECT_EQ(EvaluateAlarm(rule, AlarmState::kOk, Points("- - - - X"), kQuery).reason,
            "Threshold Crossed: 1 out of the last 3 datapoints [90.0 (01/12/26 21:30:00)] was "
            "greater than the threshold (70.0) and 2 missing datapoints were treated as "
            "[NonBreaching] (minimum 1 datapoint for OK -> ALARM transition).");
}

TEST(AlarmEvaluationTest, ReasonWhenNoDatapointWasReceived) {
  EXPECT_EQ(EvaluateAlarm(Rule(3, 3, TreatMissingData::kBreaching), AlarmState::kOk,
                          Points("- - - - -"), kQuery)
                .reason,
            "Threshold Crossed: no datapoints were received for 3 periods and 3 missing "
            "datapoints were treated as [Breaching].");
  EXPECT_EQ(EvaluateAlarm(Rule(1, 1, TreatMissingData::kNotBreaching), AlarmState::kAlarm,
                          Points("- - -"), kQuery)
                .reason,
            "Threshold Crossed: no datapoints were received for 1 period and 1 missing "
            "datapoint was treated as [NonBreaching].");
}

TEST(AlarmEvaluationTest, InsufficientDataReason) {
  EXPECT_EQ(EvaluateAlarm(Rule(5, 5, TreatMissingData::kMissing), AlarmState::kOk,
                          Points("- - - - - - -"), kQuery)
                .reason,
            "Insufficient Data: 5 datapoints were unknown.");
  EXPECT_EQ(EvaluateAlarm(Rule(1, 1, TreatMissingData::kMissing), AlarmState::kOk,
                          Points("- - -"), kQuery)
                .reason,
            "Insufficient Data: 1 datapoint was unknown.");
}

TEST(AlarmEvaluationTest, NumbersPrintAsJavaPrintsDoubles) {
  struct Case {
    double threshold;
    const char* text;
  };
  for (const Case& c : {Case{0.1, "0.1"}, Case{1234, "1234.0"}, Case{0, "0.0"},
                        Case{-2.5, "-2.5"}, Case{40.760000000000005, "40.760000000000005"},
                        Case{6000000, "6000000.0"}, Case{1e7, "1.0E7"}, Case{12345678.9, "1.23456789E7"},
                        Case{0.001, "0.001"}, Case{0.0001, "1.0E-4"}, Case{1.5e-5, "1.5E-5"},
                        Case{0.0666851903306472, "0.0666851903306472"}}) {
    AlarmRule rule = Rule(1, 1, TreatMissingData::kMissing);
    rule.threshold = c.threshold;
    auto range = Points("- - 0");
    range[2].value = c.threshold;  // equal: not greater than
    const auto got = EvaluateAlarm(rule, AlarmState::kAlarm, range, kQuery);
    EXPECT_EQ(got.reason, std::string("Threshold Crossed: 1 datapoint [") + c.text +
                              " (01/12/26 21:30:00)] was not greater than the threshold (" + c.text +
                              ").");
  }
}

TEST(AlarmEvaluationTest, ReasonDatesAreUtcDayMonthYear) {
  AlarmRule rule = Rule(1, 1, TreatMissingData::kMissing);
  std::vector<PeriodValue> range = {{At("2000-02-29T00:05:00Z"), 75.0}};
  EXPECT_EQ(EvaluateAlarm(rule, AlarmState::kOk, range, At("2000-02-29T00:06:00Z")).reason,
            "Threshold Crossed: 1 datapoint [75.0 (29/02/00 00:05:00)] was greater than the "
            "threshold (70.0).");
}

// --- StateReasonData. ----------------------------------------------------------------------

TEST(AlarmEvaluationTest, ReasonDataOfASingleMetricAlarm) {
  AlarmRule rule = Rule(1, 1, TreatMissingData::kMissing);
  rule.datapoints_to_alarm_given = true;
  auto range = Points("- - X");
  range[2].value = 75;
  EXPECT_EQ(EvaluateAlarm(rule, AlarmState::kOk, range, kQuery).reason_data,
            R"({"version":"1.0","queryDate":"2026-12-01T21:31:00.000+0000",)"
            R"("startDate":"2026-12-01T21:30:00.000+0000","statistic":"Maximum","period":60,)"
            R"("recentDatapoints":[75.0],"threshold":70.0,)"
            R"("evaluatedDatapoints":[{"timestamp":"2026-12-01T21:30:00.000+0000","value":75.0}]})");
  range[2].sample_count = 4;
  EXPECT_EQ(EvaluateAlarm(rule, AlarmState::kOk, range, kQuery).reason_data,
            R"({"version":"1.0","queryDate":"2026-12-01T21:31:00.000+0000",)"
            R"("startDate":"2026-12-01T21:30:00.000+0000","statistic":"Maximum","period":60,)"
            R"("recentDatapoints":[75.0],"threshold":70.0,"evaluatedDatapoints":[{"timestamp":)"
            R"("2026-12-01T21:30:00.000+0000","sampleCount":4.0,"value":75.0}]})");
}

TEST(AlarmEvaluationTest, ReasonDataOfAMetricMathAlarmHasNoStatistic) {
  AlarmRule rule = Rule(3, 3, TreatMissingData::kMissing);
  rule.statistic.clear();
  rule.period = Duration::Seconds(300);
  const std::string data =
      EvaluateAlarm(rule, AlarmState::kOk, Points("0 X X X X"), kQuery).reason_data;
  EXPECT_EQ(data,
            R"({"version":"1.0","queryDate":"2026-12-01T21:31:00.000+0000",)"
            R"("startDate":"2026-12-01T21:28:00.000+0000","period":300,)"
            R"("recentDatapoints":[90.0,90.0,90.0],"threshold":70.0,)"
            R"("evaluatedDatapoints":[{"timestamp":"2026-12-01T21:30:00.000+0000","value":90.0}]})");
}

TEST(AlarmEvaluationTest, ReasonDataParsesAsJson) {
  AlarmRule rule = Rule(3, 3, TreatMissingData::kMissing);
  rule.statistic = "p99";
  auto range = Points("X X X X -");
  range[3].sample_count = 12;
  const auto got = EvaluateAlarm(rule, AlarmState::kOk, range, kQuery);
  ASSERT_EQ(got.state, AlarmState::kAlarm);
  const boost::json::object data = boost::json::parse(got.reason_data).as_object();
  EXPECT_EQ(data.at("version").as_string(), "1.0");
  EXPECT_EQ(data.at("queryDate").as_string(), "2026-12-01T21:31:00.000+0000");
  // The evaluated points are the three newest real ones: 21:27, 21:28, 21:29.
  EXPECT_EQ(data.at("startDate").as_string(), "2026-12-01T21:27:00.000+0000");
  EXPECT_EQ(data.at("statistic").as_string(), "p99");
  EXPECT_EQ(data.at("period").as_int64(), 60);
  EXPECT_EQ(data.at("threshold").as_double(), 70.0);
  const auto& recent = data.at("recentDatapoints").as_array();
  ASSERT_EQ(recent.size(), 3u);
  for (const auto& v : recent) EXPECT_EQ(v.as_double(), 90.0);
  // Newest first, down to the newest real datapoint; the missing period has no value.
  const auto& evaluated = data.at("evaluatedDatapoints").as_array();
  ASSERT_EQ(evaluated.size(), 2u);
  EXPECT_EQ(evaluated[0].as_object().at("timestamp").as_string(), "2026-12-01T21:30:00.000+0000");
  EXPECT_FALSE(evaluated[0].as_object().contains("value"));
  EXPECT_EQ(evaluated[1].as_object().at("timestamp").as_string(), "2026-12-01T21:29:00.000+0000");
  EXPECT_EQ(evaluated[1].as_object().at("sampleCount").as_double(), 12.0);
  EXPECT_EQ(evaluated[1].as_object().at("value").as_double(), 90.0);
}

TEST(AlarmEvaluationTest, ReasonDataWithoutRealDatapoints) {
  // AWS-recorded (INSUFFICIENT_DATA): no startDate, no recentDatapoints, timestamps only.
  const std::string data = EvaluateAlarm(Rule(3, 3, TreatMissingData::kMissing), AlarmState::kOk,
                                         Points("- - - - -"), kQuery)
                               .reason_data;
  EXPECT_EQ(data,
            R"({"version":"1.0","queryDate":"2026-12-01T21:31:00.000+0000","statistic":"Maximum",)"
            R"("period":60,"recentDatapoints":[],"threshold":70.0,"evaluatedDatapoints":[)"
            R"({"timestamp":"2026-12-01T21:30:00.000+0000"},)"
            R"({"timestamp":"2026-12-01T21:29:00.000+0000"},)"
            R"({"timestamp":"2026-12-01T21:28:00.000+0000"}]})");
  EXPECT_NO_THROW(boost::json::parse(data));
  // Same shape when the missing points are treated as breaching.
  const auto breaching = EvaluateAlarm(Rule(3, 3, TreatMissingData::kBreaching), AlarmState::kOk,
                                       Points("- - - - -"), kQuery);
  EXPECT_EQ(breaching.state, AlarmState::kAlarm);
  EXPECT_EQ(breaching.reason_data, data);
}

TEST(AlarmEvaluationTest, NonFiniteValuesCountAsMissing) {
  auto range = Points("- - X - -");
  range[4].value = std::numeric_limits<double>::quiet_NaN();
  range[3].value = std::numeric_limits<double>::infinity();
  EXPECT_EQ(EvaluateAlarm(Rule(3, 3, TreatMissingData::kMissing), AlarmState::kOk, range, kQuery).state,
            AlarmState::kAlarm);  // still "- - X - -"
}

TEST(AlarmEvaluationTest, DatapointsToAlarmIsClampedToEvaluationPeriods) {
  // M > N behaves as M = N; M < 1 as M = 1.
  EXPECT_EQ(EvaluateAlarm(Rule(3, 7, TreatMissingData::kMissing), AlarmState::kOk,
                          Points("0 0 X X X"), kQuery)
                .state,
            AlarmState::kAlarm);
  EXPECT_EQ(EvaluateAlarm(Rule(3, 0, TreatMissingData::kMissing), AlarmState::kOk,
                          Points("0 0 0 0 X"), kQuery)
                .state,
            AlarmState::kAlarm);
}

// --- Names and schedule. -------------------------------------------------------------------

TEST(AlarmEvaluationTest, EnumNamesRoundTrip) {
  for (AlarmState s : kStates) EXPECT_EQ(ParseAlarmState(AlarmStateName(s)), s);
  EXPECT_EQ(AlarmStateName(AlarmState::kOk), "OK");
  EXPECT_EQ(AlarmStateName(AlarmState::kAlarm), "ALARM");
  EXPECT_EQ(AlarmStateName(AlarmState::kInsufficientData), "INSUFFICIENT_DATA");
  for (ComparisonOperator op :
       {ComparisonOperator::kGreaterThanOrEqualToThreshold, ComparisonOperator::kGreaterThanThreshold,
        ComparisonOperator::kLessThanThreshold, ComparisonOperator::kLessThanOrEqualToThreshold}) {
    EXPECT_EQ(ParseComparisonOperator(ComparisonOperatorName(op)), op);
  }
  EXPECT_EQ(ComparisonOperatorName(ComparisonOperator::kGreaterThanOrEqualToThreshold),
            "GreaterThanOrEqualToThreshold");
  EXPECT_EQ(ComparisonOperatorName(ComparisonOperator::kLessThanOrEqualToThreshold),
            "LessThanOrEqualToThreshold");
  for (TreatMissingData t : kColumns) EXPECT_EQ(ParseTreatMissingData(TreatMissingDataName(t)), t);
  EXPECT_EQ(TreatMissingDataName(TreatMissingData::kNotBreaching), "notBreaching");
  EXPECT_EQ(TreatMissingDataName(TreatMissingData::kIgnore), "ignore");

  for (const char* bad : {"", "ok", "Alarm", "INSUFFICIENT DATA"}) {
    EXPECT_FALSE(ParseAlarmState(bad).has_value()) << bad;
  }
  for (const char* bad : {"", "GreaterThan", "greaterThanThreshold", "GreaterThanUpperThreshold"}) {
    EXPECT_FALSE(ParseComparisonOperator(bad).has_value()) << bad;
  }
  for (const char* bad : {"", "Missing", "notbreaching", "not_breaching"}) {
    EXPECT_FALSE(ParseTreatMissingData(bad).has_value()) << bad;
  }
}

TEST(AlarmEvaluationTest, NextEvaluationOnTheMinuteOrTenSeconds) {
  const Duration minute = Duration::Seconds(60);
  EXPECT_EQ(NextEvaluation(minute, At("2026-12-01T21:30:15Z")), At("2026-12-01T21:31:00Z"));
  EXPECT_EQ(NextEvaluation(minute, At("2026-12-01T21:31:00Z")), At("2026-12-01T21:32:00Z"));
  EXPECT_EQ(NextEvaluation(Duration::Seconds(300), At("2026-12-01T21:59:59.999Z")),
            At("2026-12-01T22:00:00Z"));
  EXPECT_EQ(NextEvaluation(Duration::Seconds(3600), At("2026-12-01T21:30:01Z")),
            At("2026-12-01T21:31:00Z"));
  for (int s : {10, 20, 30}) {
    EXPECT_EQ(NextEvaluation(Duration::Seconds(s), At("2026-12-01T21:30:15.5Z")),
              At("2026-12-01T21:30:20Z"));
    EXPECT_EQ(NextEvaluation(Duration::Seconds(s), At("2026-12-01T21:30:20Z")),
              At("2026-12-01T21:30:30Z"));
  }
  EXPECT_EQ(NextEvaluation(minute, Timestamp::Epoch() - Duration::Seconds(30)), Timestamp::Epoch());
}

}  // namespace
}  // namespace hr::telemetry
