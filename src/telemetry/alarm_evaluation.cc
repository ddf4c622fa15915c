#include "telemetry/alarm_evaluation.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/iso_time.h"

// How CloudWatch evaluates a metric alarm (spec §6.4), as this file implements it. Sources:
//   [AWS-MD]  "Configuring how CloudWatch alarms treat missing data" and "Avoiding premature
//             transitions to alarm state", docs.aws.amazon.com/AmazonCloudWatch/latest/
//             monitoring/alarms-and-missing-data.html (both tables of spec §6.4).
//   [AWS-OLD] the same section in awsdocs/amazon-cloudwatch-user-guide
//             doc_source/AlarmThatSendsEmail.md (2019 revision), whose tables also have the
//             rows "- - - - X" and "X - - - -".
//   [AWS-KC]  AWS Knowledge Center "Why did my CloudWatch alarm send me a notification after a
//             single breached data point?": the premature rule looks at "the oldest available
//             breaching data point in the alarm's evaluation range".
//
// 1. Real points are the periods of the evaluation range with a (finite) value. If there are
//    at least N, the most recent N real points are evaluated and TreatMissingData is not used.
// 2. With none: missing -> INSUFFICIENT_DATA; ignore -> keep the state; breaching -> ALARM;
//    notBreaching -> OK.
// 3. With 1..N-1: breaching / notBreaching fill the N - r most recent missing periods ("as few
//    times as possible") and count them; missing / ignore count only the real points: M real
//    breaching -> ALARM; any real non-breaching point -> OK; otherwise (all real points
//    breaching, fewer than M) the premature-alarm rule decides: when the oldest breaching
//    point of the range is at least M periods old, missing -> ALARM, ignore -> keep the
//    state; when it is younger, missing -> INSUFFICIENT_DATA ([AWS-OLD] row "- - - - X"),
//    ignore -> keep the state.
//    Reading "oldest breaching point" over the whole range, not only the newest N periods, is
//    what [AWS-KC] and the last paragraph of [AWS-MD] say and what [AWS-OLD]'s row
//    "X - - - -" (missing: ALARM) needs; it agrees with every row of both [AWS-MD] tables.
// 4. ALARM when at least M evaluated points breach, otherwise OK.

namespace hr::telemetry {
namespace {

// ---------------------------------------------------------------------------------------
// Texts.

// Java's Double.toString, which is how CloudWatch (a Java service) prints every number in a
// reason and in StateReasonData: "75.0", "0.1", "1234.0", "40.760000000000005", "1.0E7",
// "1.0E-4". Decimal notation for 1e-3 <= |v| < 1e7, computerized scientific otherwise, the
// shortest digits that read back as the same double, and always a digit after the point.
std::string JavaDouble(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  const std::string sci(buf, res.ptr);  // "-d.ddde+XX"
  const std::size_t e_pos = sci.find('e');
  std::string mantissa = sci.substr(0, e_pos);
  const int exponent = std::atoi(sci.c_str() + e_pos + 1);
  std::string out;
  if (!mantissa.empty() && mantissa[0] == '-') {
    out = "-";
    mantissa.erase(0, 1);
  }
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits.push_back(c);
  }
  const double a = std::fabs(v);
  if (a >= 1e-3 && a < 1e7) {
    const int point = exponent + 1;  // digits before the decimal point
    if (point <= 0) {
      out += "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
    } else if (static_cast<std::size_t>(point) >= digits.size()) {
      out += digits + std::string(static_cast<std::size_t>(point) - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, static_cast<std::size_t>(point)) + "." +
             digits.substr(static_cast<std::size_t>(point));
    }
  } else {
    out += digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "E" +
           std::to_string(exponent);
  }
  return out;
}

// "01/12/26 21:30:00": dd/MM/yy HH:mm:ss in UTC, as a reason dates its datapoints.
std::string ReasonDate(Timestamp t) {
  const CivilTime c = ToCivil(t);
  const long long yy = ((c.year % 100) + 100) % 100;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%02lld %02u:%02u:%02u", c.day, c.month, yy, c.hour,
                c.minute, c.second);
  return buf;
}

std::string Plural(int n, std::string_view word) {
  std::string s = std::to_string(n) + " " + std::string(word);
  if (n != 1) s += "s";
  return s;
}

std::string_view WasWere(int n) { return n == 1 ? "was" : "were"; }

std::string_view ComparisonWords(ComparisonOperator op) {
  switch (op) {
    case ComparisonOperator::kGreaterThanOrEqualToThreshold: return "greater than or equal to";
    case ComparisonOperator::kGreaterThanThreshold: return "greater than";
    case ComparisonOperator::kLessThanThreshold: return "less than";
    case ComparisonOperator::kLessThanOrEqualToThreshold: return "less than or equal to";
  }
  return "greater than";
}

bool Breaches(ComparisonOperator op, double value, double threshold) {
  switch (op) {
    case ComparisonOperator::kGreaterThanOrEqualToThreshold: return value >= threshold;
    case ComparisonOperator::kGreaterThanThreshold: return value > threshold;
    case ComparisonOperator::kLessThanThreshold: return value < threshold;
    case ComparisonOperator::kLessThanOrEqualToThreshold: return value <= threshold;
  }
  return false;
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

// A JSON number as CloudWatch writes it (Java's text, which is valid JSON for finite values).
std::string JsonNumber(double v) { return std::isfinite(v) ? JavaDouble(v) : "null"; }

// ---------------------------------------------------------------------------------------
// The decision.

enum class Outcome { kOk, kAlarm, kInsufficientData, kRetain };

struct Decision {
  Outcome outcome = Outcome::kInsufficientData;
  std::vector<std::size_t> evaluated;  // indices of the evaluated real points, ascending
  int filled = 0;                      // missing points counted per TreatMissingData
  int unknown = 0;                     // for INSUFFICIENT_DATA: how many were unknown
};

bool IsReal(const PeriodValue& p) { return p.value.has_value() && std::isfinite(*p.value); }

Decision Decide(const AlarmRule& rule, int n, int m, std::span<const PeriodValue> range) {
  std::vector<std::size_t> real;
  for (std::size_t i = 0; i < range.size(); ++i) {
    if (IsReal(range[i])) real.push_back(i);
  }
  auto breaches = [&](std::size_t i) {
    return Breaches(rule.comparison, *range[i].value, rule.threshold);
  };
  Decision d;
  const int r = static_cast<int>(real.size());
  if (r >= n) {  // enough real points: the most recent N, TreatMissingData unused
    d.evaluated.assign(real.end() - n, real.end());
    const auto b = std::count_if(d.evaluated.begin(), d.evaluated.end(), breaches);
    d.outcome = b >= m ? Outcome::kAlarm : Outcome::kOk;
    return d;
  }
  d.evaluated = real;
  const int b = static_cast<int>(std::count_if(real.begin(), real.end(), breaches));
  switch (rule.treat_missing) {
    case TreatMissingData::kBreaching:
    case TreatMissingData::kNotBreaching: {
      d.filled = n - r;
      const bool fill_breaches = rule.treat_missing == TreatMissingData::kBreaching;
      d.outcome = b + (fill_breaches ? d.filled : 0) >= m ? Outcome::kAlarm : Outcome::kOk;
      return d;
    }
    case TreatMissingData::kMissing:
    case TreatMissingData::kIgnore: {
      const bool ignore = rule.treat_missing == TreatMissingData::kIgnore;
      if (r == 0) {
        d.outcome = ignore ? Outcome::kRetain : Outcome::kInsufficientData;
        d.unknown = n;
        return d;
      }
      if (b >= m) {
        d.outcome = Outcome::kAlarm;
        return d;
      }
      if (b < r) {  // a real non-breaching point
        d.outcome = Outcome::kOk;
        return d;
      }
      // Every real point breaches but there are fewer than M: the premature-alarm rule.
      // real[0] is the oldest breaching point; its age counts the newest period as 1.
      const auto age = static_cast<int>(range.size() - real.front());
      if (age >= m) {
        d.outcome = ignore ? Outcome::kRetain : Outcome::kAlarm;
      } else {
        d.outcome = ignore ? Outcome::kRetain : Outcome::kInsufficientData;
        d.unknown = n - r;
      }
      return d;
    }
  }
  return d;
}

// ---------------------------------------------------------------------------------------
// StateReason.

std::string DatapointList(std::span<const PeriodValue> range, const std::vector<std::size_t>& idx) {
  std::string s = "[";
  for (auto it = idx.rbegin(); it != idx.rend(); ++it) {  // newest first
    if (it != idx.rbegin()) s += ", ";
    s += JavaDouble(*range[*it].value) + " (" + ReasonDate(range[*it].at) + ")";
  }
  return s + "]";
}

std::string_view FillName(TreatMissingData treat) {
  return treat == TreatMissingData::kBreaching ? "Breaching" : "NonBreaching";
}

// " and 2 missing datapoints were treated as [Breaching]"
std::string FilledClause(const AlarmRule& rule, int filled) {
  if (filled == 0) return "";
  return " and " + Plural(filled, "missing datapoint") + " " + std::string(WasWere(filled)) +
         " treated as [" + std::string(FillName(rule.treat_missing)) + "]";
}

std::string Reason(const AlarmRule& rule, int n, int m, std::span<const PeriodValue> range,
                   const Decision& d) {
  if (d.outcome == Outcome::kInsufficientData) {
    return "Insufficient Data: " + Plural(d.unknown, "datapoint") + " " +
           std::string(WasWere(d.unknown)) + " unknown.";
  }
  const bool alarm = d.outcome == Outcome::kAlarm;
  if (d.evaluated.empty()) {  // every point missing, filled per TreatMissingData
    return "Threshold Crossed: no datapoints were received for " + Plural(n, "period") +
           FilledClause(rule, d.filled) + ".";
  }
  // The reason quotes the real points that agree with the new state: the breaching ones for
  // ALARM, the others for OK.
  std::vector<std::size_t> quoted;
  for (std::size_t i : d.evaluated) {
    if (Breaches(rule.comparison, *range[i].value, rule.threshold) == alarm) quoted.push_back(i);
  }
  const int k = static_cast<int>(quoted.size());
  std::string s = "Threshold Crossed: ";
  if (rule.datapoints_to_alarm_given) {
    s += std::to_string(k) + " out of the last " + std::to_string(n) + " datapoints ";
  } else {
    s += Plural(k, "datapoint") + " ";
  }
  s += DatapointList(range, quoted) + " " + std::string(WasWere(k)) + " " +
       (alarm ? "" : "not ") + std::string(ComparisonWords(rule.comparison)) +
       " the threshold (" + JavaDouble(rule.threshold) + ")" + FilledClause(rule, d.filled);
  if (rule.datapoints_to_alarm_given) {
    // OK needs N - M + 1 non-breaching points among N, ALARM needs M breaching ones.
    const int minimum = alarm ? m : n - m + 1;
    s += " (minimum " + Plural(minimum, "datapoint") + " for " +
         (alarm ? "OK -> ALARM" : "ALARM -> OK") + " transition)";
  }
  return s + ".";
}

// ---------------------------------------------------------------------------------------
// StateReasonData, e.g.
//   {"version":"1.0","queryDate":"2026-12-01T21:31:00.000+0000",
//    "startDate":"2026-12-01T21:30:00.000+0000","statistic":"Maximum","period":60,
//    "recentDatapoints":[75.0],"threshold":70.0,
//    "evaluatedDatapoints":[{"timestamp":"2026-12-01T21:30:00.000+0000","sampleCount":1.0,
//                            "value":75.0}]}
// Key order and content follow AWS-recorded samples (EventBridge events and DescribeAlarms
// output, 2019-2026): "startDate" is the oldest evaluated datapoint and is absent when no real
// datapoint was evaluated; "statistic" is absent for a metric-math alarm (Metrics Insights
// sample in [AWS-MD]); "recentDatapoints" are the evaluated values, oldest first;
// "evaluatedDatapoints" run newest first from the newest period down to the newest real
// datapoint (a missing period carries only "timestamp"), or over the newest N periods when
// none is real (the INSUFFICIENT_DATA samples: "5 datapoints were unknown" with five
// timestamp-only entries, "1 datapoint was unknown" with one); "sampleCount" appears when the
// caller knows it (single-metric alarms; every single-metric sample since 2022 has it).
std::string ReasonData(const AlarmRule& rule, int n, std::span<const PeriodValue> range,
                       const Decision& d, Timestamp query_date) {
  std::string s = "{\"version\":\"1.0\",\"queryDate\":\"" + FormatLambdaTimestamp(query_date) + "\"";
  if (!d.evaluated.empty()) {
    s += ",\"startDate\":\"" + FormatLambdaTimestamp(range[d.evaluated.front()].at) + "\"";
  }
  if (!rule.unit.empty()) {
    s += ",\"unit\":";
    AppendJsonString(s, rule.unit);
  }
  if (!rule.statistic.empty()) {
    s += ",\"statistic\":";
    AppendJsonString(s, rule.statistic);
  }
  s += ",\"period\":" + std::to_string(rule.period.nanos() / 1'000'000'000);
  s += ",\"recentDatapoints\":[";
  for (std::size_t j = 0; j < d.evaluated.size(); ++j) {
    if (j) s += ",";
    s += JsonNumber(*range[d.evaluated[j]].value);
  }
  s += "],\"threshold\":" + JsonNumber(rule.threshold) + ",\"evaluatedDatapoints\":[";
  const bool any_real = std::any_of(range.begin(), range.end(), IsReal);
  int listed = 0;
  for (std::size_t i = range.size(); i-- > 0;) {
    if (!any_real && listed == n) break;
    const PeriodValue& p = range[i];
    if (listed++) s += ",";
    s += "{\"timestamp\":\"" + FormatLambdaTimestamp(p.at) + "\"";
    if (IsReal(p)) {
      if (p.sample_count) s += ",\"sampleCount\":" + JsonNumber(*p.sample_count);
      s += ",\"value\":" + JsonNumber(*p.value) + "}";
      break;
    }
    s += "}";
  }
  return s + "]}";
}

}  // namespace

std::string_view AlarmStateName(AlarmState state) {
  switch (state) {
    case AlarmState::kOk: return "OK";
    case AlarmState::kAlarm: return "ALARM";
    case AlarmState::kInsufficientData: return "INSUFFICIENT_DATA";
  }
  return "INSUFFICIENT_DATA";
}

std::optional<AlarmState> ParseAlarmState(std::string_view text) {
  for (AlarmState s : {AlarmState::kOk, AlarmState::kAlarm, AlarmState::kInsufficientData}) {
    if (AlarmStateName(s) == text) return s;
  }
  return std::nullopt;
}

std::string_view ComparisonOperatorName(ComparisonOperator op) {
  switch (op) {
    case ComparisonOperator::kGreaterThanOrEqualToThreshold: return "GreaterThanOrEqualToThreshold";
    case ComparisonOperator::kGreaterThanThreshold: return "GreaterThanThreshold";
    case ComparisonOperator::kLessThanThreshold: return "LessThanThreshold";
    case ComparisonOperator::kLessThanOrEqualToThreshold: return "LessThanOrEqualToThreshold";
  }
  return "GreaterThanThreshold";
}

std::optional<ComparisonOperator> ParseComparisonOperator(std::string_view text) {
  for (ComparisonOperator op :
       {ComparisonOperator::kGreaterThanOrEqualToThreshold, ComparisonOperator::kGreaterThanThreshold,
        ComparisonOperator::kLessThanThreshold, ComparisonOperator::kLessThanOrEqualToThreshold}) {
    if (ComparisonOperatorName(op) == text) return op;
  }
  return std::nullopt;
}

std::string_view TreatMissingDataName(TreatMissingData treat) {
  switch (treat) {
    case TreatMissingData::kMissing: return "missing";
    case TreatMissingData::kIgnore: return "ignore";
    case TreatMissingData::kBreaching: return "breaching";
    case TreatMissingData::kNotBreaching: return "notBreaching";
  }
  return "missing";
}

std::optional<TreatMissingData> ParseTreatMissingData(std::string_view text) {
  for (TreatMissingData t : {TreatMissingData::kMissing, TreatMissingData::kIgnore,
                             TreatMissingData::kBreaching, TreatMissingData::kNotBreaching}) {
    if (TreatMissingDataName(t) == text) return t;
  }
  return std::nullopt;
}

// AWS publishes no formula: the range "depends on the length of the alarm period and whether
// it is based on a metric with standard resolution or high resolution", and the only figure
// given is "CloudWatch retrieves the 5 most recent data points ... 5 is the evaluation range"
// for Evaluation Periods 3 ([AWS-MD], "How alarm state is evaluated when data is missing").
// N + 2 keeps that figure for every N; for N = 1 it makes a breaching-treated 1-of-1 alarm
// wait for three empty periods, which matches what users report ("It actually takes something
// like 3? or 4? consecutive periods of missing data", stackoverflow.com/q/72093282).
int EvaluationRange(int evaluation_periods) { return std::max(evaluation_periods, 1) + 2; }

AlarmEvaluation EvaluateAlarm(const AlarmRule& rule, AlarmState current,
                              std::span<const PeriodValue> range, Timestamp query_date) {
  const int n = std::max(rule.evaluation_periods, 1);
  const int m = std::clamp(rule.datapoints_to_alarm, 1, n);
  const Decision d = Decide(rule, n, m, range);
  AlarmEvaluation out;
  switch (d.outcome) {
    case Outcome::kRetain:
      out.state = current;
      return out;
    case Outcome::kOk: out.state = AlarmState::kOk; break;
    case Outcome::kAlarm: out.state = AlarmState::kAlarm; break;
    case Outcome::kInsufficientData: out.state = AlarmState::kInsufficientData; break;
  }
  out.reason = Reason(rule, n, m, range, d);
  out.reason_data = ReasonData(rule, n, range, d, query_date);
  return out;
}

Timestamp NextEvaluation(Duration period, Timestamp after) {
  const std::int64_t step =
      (period >= Duration::Seconds(60) ? Duration::Seconds(60) : Duration::Seconds(10)).nanos();
  const std::int64_t t = after.unix_nanos();
  std::int64_t floor = t / step * step;
  if (floor > t) floor -= step;  // negative times round down too
  return Timestamp::FromUnixNanos(floor + step);
}

}  // namespace hr::telemetry
