#pragma once
// EvaluateAlarm: one evaluation of a CloudWatch metric alarm, as CloudWatch performs it
// (spec §6.4): M of N breaching datapoints, the evaluation range, TreatMissingData and the
// premature-alarm rule, with StateReason and StateReasonData in AWS's format.
//
// The caller (the server's alarm scheduler, the simulator) reads the alarm's datapoints for
// the evaluation range, one per period, and passes them here; this code decides.
//
// Pure: no I/O, no clock; `query_date` is the evaluation's `now`. Any thread.

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/time.h"

namespace hr::telemetry {

enum class AlarmState { kOk, kAlarm, kInsufficientData };
enum class ComparisonOperator {
  kGreaterThanOrEqualToThreshold,
  kGreaterThanThreshold,
  kLessThanThreshold,
  kLessThanOrEqualToThreshold,
};
enum class TreatMissingData { kMissing, kIgnore, kBreaching, kNotBreaching };

// "OK", "ALARM", "INSUFFICIENT_DATA"; and back (nullopt for anything else).
std::string_view AlarmStateName(AlarmState state);
std::optional<AlarmState> ParseAlarmState(std::string_view text);
std::string_view ComparisonOperatorName(ComparisonOperator op);
std::optional<ComparisonOperator> ParseComparisonOperator(std::string_view text);
std::string_view TreatMissingDataName(TreatMissingData treat);  // "missing", "ignore", ...
std::optional<TreatMissingData> ParseTreatMissingData(std::string_view text);

struct AlarmRule {
  ComparisonOperator comparison = ComparisonOperator::kGreaterThanThreshold;
  double threshold = 0;
  int evaluation_periods = 1;   // N
  int datapoints_to_alarm = 1;  // M (DatapointsToAlarm, or N when absent)
  // Whether PutMetricAlarm carried DatapointsToAlarm. AWS words the reason by it: with it,
  // "1 out of the last 1 datapoints [...] ... (minimum 1 datapoint for OK -> ALARM
  // transition)."; without it, "1 datapoint [...] was greater than the threshold (70.0).".
  bool datapoints_to_alarm_given = false;
  TreatMissingData treat_missing = TreatMissingData::kMissing;
  Duration period = Duration::Seconds(60);
  // For StateReasonData: the single-metric alarm's statistic ("Maximum", "p99"); empty for
  // a metric-math alarm, whose reason data has no "statistic".
  std::string statistic;
  // For StateReasonData: the single-metric alarm's Unit, when it has one.
  std::string unit;
};

// How many periods CloudWatch reads for an alarm of N evaluation periods (5 for N = 3).
int EvaluationRange(int evaluation_periods);

// One period of the evaluation range.
struct PeriodValue {
  Timestamp at;                 // the period's start
  std::optional<double> value;  // nullopt: no datapoint (missing); NaN/inf count as missing
  // The period's SampleCount, which StateReasonData shows for a single-metric alarm
  // ("sampleCount":5.0); nullopt leaves it out (a metric-math alarm).
  std::optional<double> sample_count = std::nullopt;
};

struct AlarmEvaluation {
  AlarmState state = AlarmState::kInsufficientData;
  std::string reason;       // "Threshold Crossed: 1 out of the last 1 datapoints [75.0 (01/12/26 21:30:00)] was greater than the threshold (70.0) (minimum 1 datapoint for OK -> ALARM transition)."
  std::string reason_data;  // the JSON string of StateReasonData
};

// `range`: EvaluationRange(N) periods, oldest first, ending with the newest complete period.
// `current`: the alarm's state before this evaluation (TreatMissingData=ignore keeps it).
// When the result's state equals `current`, the caller keeps its existing reason (no
// transition, no actions). An evaluation that retains the state (TreatMissingData=ignore
// with too little data) returns `current` with an empty reason and reason_data.
AlarmEvaluation EvaluateAlarm(const AlarmRule& rule, AlarmState current,
                              std::span<const PeriodValue> range, Timestamp query_date);

// When an alarm of this period is next evaluated after `after`: on the next whole minute
// for periods of 60 s or more, on the next multiple of 10 s for shorter periods.
Timestamp NextEvaluation(Duration period, Timestamp after);

}  // namespace hr::telemetry
