#include "sim/workload.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <map>
#include <set>
#include <sstream>

#include "telemetry/alarm_validation.h"
#include "telemetry/store_queries.h"

namespace hr::sim {
namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;

// An error carried out of the recursive descent; caught once in ParseWorkload.
struct ParseError {
  YAML::Mark mark;
  std::string message;
};

[[noreturn]] void Fail(const YAML::Node& node, std::string message) {
  throw ParseError{node.Mark(), std::move(message)};
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    default: return "nothing";
  }
}

void ExpectMap(const YAML::Node& node, std::string_view what) {
  if (!node.IsMap()) Fail(node, std::string(what) + " must be a map, not " + Describe(node));
}

// Rejects keys outside `allowed` (a typo would otherwise be ignored silently).
void AllowedKeys(const YAML::Node& map, std::string_view what, std::initializer_list<std::string_view> allowed) {
  ExpectMap(map, what);
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) Fail(it->first, "keys of " + std::string(what) + " must be names");
    const std::string& key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      Fail(it->first, "unknown key '" + key + "' in " + std::string(what) + " (expected one of: " + list + ")");
    }
  }
}

std::string ScalarOf(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) Fail(node, std::string(what) + " must be a single value, not " + Describe(node));
  return node.Scalar();
}

double NumberOf(const YAML::Node& node, std::string_view what) {
  const std::string text = ScalarOf(node, what);
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) {
    Fail(node, std::string(what) + " must be a number, not '" + text + "'");
  }
  return value;
}

double NonNegative(const YAML::Node& node, std::string_view what) {
  const double v = NumberOf(node, what);
  if (v < 0) Fail(node, std::string(what) + " must not be negative");
  return v;
}

// A rate of requests per second.
double RateOf(const YAML::Node& node, std::string_view what) {
  const double v = NonNegative(node, what);
  if (v > 1e8) Fail(node, std::string(what) + " must be at most 100000000 requests per second");
  return v;
}

std::int64_t IntegerOf(const YAML::Node& node, std::string_view what, std::int64_t minimum, std::int64_t maximum) {
  const std::string text = ScalarOf(node, what);
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    Fail(node, std::string(what) + " must be a whole number, not '" + text + "'");
  }
  if (value < minimum || value > maximum) {
    Fail(node, std::string(what) + " must be between " + std::to_string(minimum) + " and " + std::to_string(maximum));
  }
  return value;
}

bool BoolOf(const YAML::Node& node, std::string_view what) {
  const std::string text = ScalarOf(node, what);
  if (text == "true") return true;
  if (text == "false") return false;
  Fail(node, std::string(what) + " must be true or false, not '" + text + "'");
}

Duration DurationOf(const YAML::Node& node, std::string_view what) {
  const std::string text = ScalarOf(node, what);
  const std::optional<Duration> d = ParseDurationText(text);
  if (!d) Fail(node, std::string(what) + " must be a duration such as 250ms, 2s, 5m or 1h, not '" + text + "'");
  return *d;
}

std::int64_t TimeOf(const YAML::Node& node, std::string_view what) { return DurationOf(node, what).nanos(); }

const YAML::Node Required(const YAML::Node& map, const char* key, std::string_view what) {
  const YAML::Node v = map[key];
  if (!v) Fail(map, std::string(what) + " needs '" + key + "'");
  return v;
}

Distribution DistributionOf(const YAML::Node& node, std::string_view what) {
  Distribution d;
  if (node.IsScalar()) return Distribution::Fixed(DurationOf(node, what));
  ExpectMap(node, what);
  if (node.size() != 1) {
    Fail(node, std::string(what) + " must be a duration or one of fixed, uniform, normal, lognormal, percentiles");
  }
  const std::string kind = node.begin()->first.Scalar();
  const YAML::Node v = node.begin()->second;
  auto nanos = [](Duration x) { return static_cast<double>(x.nanos()); };
  if (kind == "fixed") return Distribution::Fixed(DurationOf(v, "fixed"));
  if (kind == "uniform") {
    d.kind = Distribution::Kind::kUniform;
    if (v.IsSequence() && v.size() == 2) {
      d.a = nanos(DurationOf(v[0], "uniform's minimum"));
      d.b = nanos(DurationOf(v[1], "uniform's maximum"));
    } else {
      AllowedKeys(v, "uniform", {"min", "max"});
      d.a = nanos(DurationOf(Required(v, "min", "uniform"), "min"));
      d.b = nanos(DurationOf(Required(v, "max", "uniform"), "max"));
    }
    if (d.b < d.a) Fail(v, "uniform's max must not be below its min");
    return d;
  }
  if (kind == "normal") {
    d.kind = Distribution::Kind::kNormal;
    AllowedKeys(v, "normal", {"mean", "stddev"});
    d.a = nanos(DurationOf(Required(v, "mean", "normal"), "mean"));
    d.b = nanos(DurationOf(Required(v, "stddev", "normal"), "stddev"));
    return d;
  }
  if (kind == "lognormal") {
    d.kind = Distribution::Kind::kLognormal;
    AllowedKeys(v, "lognormal", {"median", "sigma"});
    d.a = nanos(DurationOf(Required(v, "median", "lognormal"), "median"));
    d.b = NonNegative(Required(v, "sigma", "lognormal"), "sigma");
    return d;
  }
  if (kind == "percentiles") {
    d.kind = Distribution::Kind::kPercentiles;
    ExpectMap(v, "percentiles");
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string key = ScalarOf(it->first, "a percentile");
      double q = -1;
      if (key.size() >= 2 && key[0] == 'p') {
        auto [ptr, ec] = std::from_chars(key.data() + 1, key.data() + key.size(), q);
        if (ec != std::errc() || ptr != key.data() + key.size()) q = -1;
      }
      if (!(q >= 0 && q <= 100)) Fail(it->first, "percentiles are named p0 to p100 (p50, p99.9), not '" + key + "'");
      const double value = nanos(DurationOf(it->second, key));
      if (!d.points.empty() && (q / 100 <= d.points.back().first || value < d.points.back().second)) {
        Fail(it->first, "percentiles must be listed in increasing order, with values that do not decrease");
      }
      d.points.push_back({q / 100, value});
    }
    if (d.points.empty()) Fail(v, "percentiles needs at least one point, e.g. p50: 100ms");
    if (d.points.front().first > 0) d.points.insert(d.points.begin(), {0.0, d.points.front().second});
    if (d.points.back().first < 1) d.points.push_back({1.0, d.points.back().second});
    return d;
  }
  Fail(node.begin()->first, "unknown distribution '" + kind + "' (expected fixed, uniform, normal, lognormal or percentiles)");
}

ArrivalProcess ArrivalOf(const YAML::Node& node) {
  ExpectMap(node, "a traffic entry");
  if (node.size() != 1) {
    Fail(node, "a traffic entry is one of constant, poisson, step, ramp, spike, diurnal (use a list for several)");
  }
  const YAML::Node key = node.begin()->first;
  const std::string kind = ScalarOf(key, "a traffic kind");
  const YAML::Node v = node.begin()->second;
  ArrivalProcess p;
  auto window = [&](const YAML::Node& m) {
    if (m["start"]) p.start = TimeOf(m["start"], "start");
    if (m["end"]) p.end = TimeOf(m["end"], "end");
    if (p.end <= p.start) Fail(m, "end must be after start");
  };
  if (kind == "constant" || kind == "poisson") {
    p.kind = kind == "constant" ? ArrivalProcess::Kind::kConstant : ArrivalProcess::Kind::kPoisson;
    AllowedKeys(v, kind, {"rate", "start", "end"});
    p.rate = RateOf(Required(v, "rate", kind), "rate");
    window(v);
    return p;
  }
  if (kind == "step") {
    p.kind = ArrivalProcess::Kind::kStep;
    AllowedKeys(v, "step", {"steps", "end"});
    const YAML::Node steps = Required(v, "steps", "step");
    if (!steps.IsSequence() || steps.size() == 0) Fail(steps, "steps must be a list of {at, rate}");
    for (const YAML::Node& s : steps) {
      AllowedKeys(s, "a step", {"at", "rate"});
      RateStep step{TimeOf(Required(s, "at", "a step"), "at"), RateOf(Required(s, "rate", "a step"), "rate")};
      if (!p.steps.empty() && step.at <= p.steps.back().at) Fail(s, "steps must be in increasing order of 'at'");
      p.steps.push_back(step);
    }
    p.start = p.steps.front().at;
    if (v["end"]) p.end = TimeOf(v["end"], "end");
    return p;
  }
  if (kind == "ramp") {
    p.kind = ArrivalProcess::Kind::kRamp;
    AllowedKeys(v, "ramp", {"from", "to", "start", "end", "until"});
    p.rate = RateOf(Required(v, "from", "ramp"), "from");
    p.rate_to = RateOf(Required(v, "to", "ramp"), "to");
    if (v["start"]) p.start = TimeOf(v["start"], "start");
    p.ramp_end = TimeOf(Required(v, "end", "ramp"), "end");
    if (p.ramp_end <= p.start) Fail(v["end"], "the ramp's end must be after its start");
    if (v["until"]) {
      p.end = TimeOf(v["until"], "until");
      if (p.end < p.ramp_end) Fail(v["until"], "until must not be before the ramp's end");
    }
    return p;
  }
  if (kind == "spike") {
    p.kind = ArrivalProcess::Kind::kSpike;
    AllowedKeys(v, "spike", {"at", "count", "over"});
    p.start = TimeOf(Required(v, "at", "spike"), "at");
    p.count = IntegerOf(Required(v, "count", "spike"), "count", 0, 1'000'000'000);
    if (v["over"]) p.spread = TimeOf(v["over"], "over");
    return p;
  }
  if (kind == "diurnal") {
    p.kind = ArrivalProcess::Kind::kDiurnal;
    AllowedKeys(v, "diurnal", {"mean", "amplitude", "period", "peak_at", "start", "end"});
    p.rate = RateOf(Required(v, "mean", "diurnal"), "mean");
    p.amplitude = RateOf(Required(v, "amplitude", "diurnal"), "amplitude");
    p.period = v["period"] ? TimeOf(v["period"], "period") : Duration::Hours(24).nanos();
    if (p.period <= 0) Fail(v["period"], "period must be positive");
    const double peak = v["peak_at"] ? static_cast<double>(TimeOf(v["peak_at"], "peak_at")) : 0.0;
    // sin(2π t / period + phase) is 1 at t = peak_at.
    p.phase = kTwoPi / 4 - kTwoPi * peak / static_cast<double>(p.period);
    window(v);
    return p;
  }
  Fail(key, "unknown traffic kind '" + kind + "' (expected constant, poisson, step, ramp, spike or diurnal)");
}

std::vector<telemetry::Dimension> DimensionsOf(const YAML::Node& node) {
  std::vector<telemetry::Dimension> dims;
  if (!node) return dims;
  if (!node.IsSequence()) Fail(node, "Dimensions must be a list of {Name, Value}");
  for (const YAML::Node& d : node) {
    AllowedKeys(d, "a dimension", {"Name", "Value"});
    dims.push_back({ScalarOf(Required(d, "Name", "a dimension"), "Name"),
                    ScalarOf(Required(d, "Value", "a dimension"), "Value")});
  }
  return dims;
}

telemetry::Statistic StatisticOf(const YAML::Node& node, bool extended) {
  const std::string name = ScalarOf(node, "the statistic");
  const auto stat = telemetry::ParseStatistic(name);
  if (!stat || (extended && stat->kind != telemetry::StatisticKind::kPercentile)) {
    Fail(node, "the statistic '" + name + "' is not supported");
  }
  return *stat;
}

std::int64_t PeriodOf(const YAML::Node& node) {
  const std::int64_t period = IntegerOf(node, "Period", 1, 86'400 * 7);
  if (Status s = telemetry::CheckAlarmPeriod(period, 1); !s.ok()) Fail(node, s.message());
  return period;
}

// An alarm, with PutMetricAlarm's parameter names (spec §6.3).
AlarmSpec AlarmOf(const YAML::Node& node) {
  AllowedKeys(node, "an alarm",
              {"AlarmName", "AlarmDescription", "MetricName", "Namespace", "Dimensions", "Statistic",
               "ExtendedStatistic", "Period", "Unit", "Metrics", "ComparisonOperator", "Threshold",
               "EvaluationPeriods", "DatapointsToAlarm", "TreatMissingData"});
  AlarmSpec a;
  a.mark = {node.Mark().line + 1, node.Mark().column + 1};
  a.name = ScalarOf(Required(node, "AlarmName", "an alarm"), "AlarmName");
  telemetry::AlarmRule& rule = a.rule;
  const YAML::Node op = Required(node, "ComparisonOperator", "an alarm");
  const auto comparison = telemetry::ParseComparisonOperator(ScalarOf(op, "ComparisonOperator"));
  if (!comparison) Fail(op, "ComparisonOperator '" + op.Scalar() + "' is not a static-threshold operator");
  rule.comparison = *comparison;
  rule.threshold = NumberOf(Required(node, "Threshold", "an alarm"), "Threshold");
  rule.evaluation_periods =
      static_cast<int>(IntegerOf(Required(node, "EvaluationPeriods", "an alarm"), "EvaluationPeriods", 1, 100'000));
  rule.datapoints_to_alarm = rule.evaluation_periods;
  if (const YAML::Node m = node["DatapointsToAlarm"]) {
    rule.datapoints_to_alarm = static_cast<int>(IntegerOf(m, "DatapointsToAlarm", 1, rule.evaluation_periods));
    rule.datapoints_to_alarm_given = true;
  }
  if (const YAML::Node t = node["TreatMissingData"]) {
    const auto treat = telemetry::ParseTreatMissingData(ScalarOf(t, "TreatMissingData"));
    if (!treat) Fail(t, "TreatMissingData must be breaching, notBreaching, ignore or missing");
    rule.treat_missing = *treat;
  }
  std::int64_t period = 0;
  const YAML::Node metrics = node["Metrics"];
  if (node["MetricName"]) {
    if (metrics) Fail(metrics, "MetricName should not be set if list of Metrics is set.");
    const bool statistic = node["Statistic"].IsDefined();
    if (statistic == node["ExtendedStatistic"].IsDefined()) {
      Fail(node, "Exactly one of Statistic and ExtendedStatistic must be specified.");
    }
    const YAML::Node stat_node = statistic ? node["Statistic"] : node["ExtendedStatistic"];
    telemetry::MetricQuery q;
    q.id = "m1";
    const telemetry::Statistic stat = StatisticOf(stat_node, !statistic);
    period = PeriodOf(Required(node, "Period", "an alarm"));
    q.metric_stat = telemetry::MetricStatQuery{
        telemetry::MakeMetricId(ScalarOf(Required(node, "Namespace", "an alarm"), "Namespace"),
                                ScalarOf(node["MetricName"], "MetricName"), DimensionsOf(node["Dimensions"])),
        Duration::Seconds(period), stat, std::nullopt};
    rule.statistic = stat_node.Scalar();
    if (node["Unit"]) {
      rule.unit = ScalarOf(node["Unit"], "Unit");
      q.metric_stat->unit = rule.unit;
    }
    a.queries.push_back(std::move(q));
  } else {
    if (!metrics) Fail(node, "Either MetricName or a list of Metrics must be set.");
    if (!metrics.IsSequence() || metrics.size() == 0 || metrics.size() > 10) {
      Fail(metrics, "The Metrics list must contain between 1 and 10 elements.");
    }
    for (const YAML::Node& m : metrics) {
      AllowedKeys(m, "a metric query", {"Id", "MetricStat", "Expression", "Label", "ReturnData", "Period"});
      telemetry::MetricQuery q;
      q.id = ScalarOf(Required(m, "Id", "a metric query"), "Id");
      if (m["Label"]) q.label = ScalarOf(m["Label"], "Label");
      if (m["ReturnData"]) q.return_data = BoolOf(m["ReturnData"], "ReturnData");
      if (m["MetricStat"].IsDefined() == m["Expression"].IsDefined()) {
        Fail(m, "a metric query needs exactly one of MetricStat and Expression");
      }
      if (const YAML::Node s = m["MetricStat"]) {
        AllowedKeys(s, "MetricStat", {"Metric", "Period", "Stat", "Unit"});
        const YAML::Node metric = Required(s, "Metric", "MetricStat");
        AllowedKeys(metric, "Metric", {"Namespace", "MetricName", "Dimensions"});
        const std::int64_t p = PeriodOf(Required(s, "Period", "MetricStat"));
        q.metric_stat = telemetry::MetricStatQuery{
            telemetry::MakeMetricId(ScalarOf(Required(metric, "Namespace", "Metric"), "Namespace"),
                                    ScalarOf(Required(metric, "MetricName", "Metric"), "MetricName"),
                                    DimensionsOf(metric["Dimensions"])),
            Duration::Seconds(p), StatisticOf(Required(s, "Stat", "MetricStat"), false), std::nullopt};
        if (s["Unit"]) q.metric_stat->unit = ScalarOf(s["Unit"], "Unit");
        if (q.label.empty()) q.label = q.metric_stat->metric.name;
      } else {
        q.expression = ScalarOf(m["Expression"], "Expression");
        if (m["Period"]) q.period = Duration::Seconds(PeriodOf(m["Period"]));
      }
      a.queries.push_back(std::move(q));
    }
    auto shared = telemetry::MetricMathAlarmPeriod(a.queries);
    if (!shared.ok()) Fail(metrics, shared.status().message());
    period = *shared;
    // Ids, expressions and references are checked by evaluating once on no data.
    telemetry::QueryEnvironment env;
    env.start = Timestamp::Epoch();
    env.end = Timestamp::Epoch() + Duration::Seconds(period);
    env.fetch = [](const telemetry::MetricStatQuery& q) {
      telemetry::TimeSeries s;
      s.source = q.metric;
      return s;
    };
    env.service_quota = [](const telemetry::MetricId& id) -> std::optional<double> {
      if (telemetry::IsConcurrencyQuotaMetric(id)) return 1.0;
      return std::nullopt;
    };
    auto checked = telemetry::EvaluateQueries(a.queries, env);
    if (!checked.ok()) Fail(metrics, checked.status().message());
  }
  if (Status s = telemetry::CheckAlarmPeriod(period, rule.evaluation_periods); !s.ok()) Fail(node, s.message());
  rule.period = Duration::Seconds(period);
  return a;
}

FunctionSpec FunctionOf(const YAML::Node& node) {
  AllowedKeys(node, "a function",
              {"name", "reserved", "provisioned", "duration", "init", "timeout", "invoke", "traffic"});
  FunctionSpec f;
  f.mark = {node.Mark().line + 1, node.Mark().column + 1};
  f.name = ScalarOf(Required(node, "name", "a function"), "name");
  if (node["reserved"]) f.reserved = IntegerOf(node["reserved"], "reserved", 0, 1'000'000'000);
  if (const YAML::Node pc = node["provisioned"]) {
    ExpectMap(pc, "provisioned (qualifier: count)");
    for (auto it = pc.begin(); it != pc.end(); ++it) {
      const std::string qualifier = ScalarOf(it->first, "a qualifier");
      if (qualifier == "$LATEST") Fail(it->first, "provisioned concurrency cannot be configured on $LATEST");
      f.provisioned.push_back({qualifier, IntegerOf(it->second, "provisioned concurrency", 1, 1'000'000'000)});
    }
  }
  f.duration = node["duration"] ? DistributionOf(node["duration"], "duration") : Distribution::Fixed(Duration::Millis(100));
  if (node["init"]) f.init = DistributionOf(node["init"], "init");
  if (node["timeout"]) f.timeout = DurationOf(node["timeout"], "timeout");
  if (node["invoke"]) {
    f.invoke = ScalarOf(node["invoke"], "invoke");
    bool known = f.invoke == "$LATEST";
    for (const ProvisionedSpec& p : f.provisioned) known = known || p.qualifier == f.invoke;
    if (!known) Fail(node["invoke"], "invoke must be $LATEST or one of the function's provisioned qualifiers");
  }
  if (const YAML::Node t = node["traffic"]) {
    if (t.IsSequence()) {
      for (const YAML::Node& entry : t) f.traffic.push_back(ArrivalOf(entry));
    } else {
      f.traffic.push_back(ArrivalOf(t));
    }
  }
  return f;
}

Workload Parse(const YAML::Node& root, std::string_view source, std::string_view base_dir) {
  Workload w;
  w.source = std::string(source);
  if (!root.IsDefined() || root.IsNull()) Fail(root, "the workload is empty");
  AllowedKeys(root, "the workload",
              {"account", "length", "seed", "keep_alive", "functions", "trace", "alarms", "quota_policy"});
  if (const YAML::Node a = root["account"]) {
    AllowedKeys(a, "account", {"id", "region", "limit", "unreserved_minimum"});
    w.account_named = a["id"] || a["region"];
    if (a["id"]) w.account_id = ScalarOf(a["id"], "id");
    if (a["region"]) w.region = ScalarOf(a["region"], "region");
    if (a["limit"]) w.limit = IntegerOf(a["limit"], "limit", 1, 1'000'000'000);
    if (a["unreserved_minimum"]) {
      w.unreserved_minimum = IntegerOf(a["unreserved_minimum"], "unreserved_minimum", 0, w.limit);
    }
  }
  if (root["length"]) {
    w.length = DurationOf(root["length"], "length");
    if (w.length.nanos() <= 0 || w.length > Duration::Hours(24 * 365)) {
      Fail(root["length"], "length must be more than 0 and at most a year");
    }
  }
  if (root["seed"]) w.seed = static_cast<std::uint64_t>(IntegerOf(root["seed"], "seed", 0, INT64_MAX));
  if (root["keep_alive"]) w.keep_alive = DurationOf(root["keep_alive"], "keep_alive");
  std::set<std::string> names;
  if (const YAML::Node fs = root["functions"]) {
    if (!fs.IsSequence()) Fail(fs, "functions must be a list");
    for (const YAML::Node& f : fs) {
      FunctionSpec spec = FunctionOf(f);
      if (!names.insert(spec.name).second) Fail(f["name"], "function '" + spec.name + "' is declared twice");
      w.functions.push_back(std::move(spec));
    }
  }
  if (const YAML::Node t = root["trace"]) {
    std::string path;
    if (t.IsScalar()) {
      path = t.Scalar();
    } else {
      AllowedKeys(t, "trace", {"file"});
      path = ScalarOf(Required(t, "file", "trace"), "file");
    }
    if (path.empty()) Fail(t, "the trace needs a file name");
    if (path != "-" && path[0] != '/' && !base_dir.empty()) path = std::string(base_dir) + "/" + path;
    w.trace = TraceSpec{path};
  }
  std::set<std::string> alarm_names;
  if (const YAML::Node as = root["alarms"]) {
    if (!as.IsSequence()) Fail(as, "alarms must be a list");
    for (const YAML::Node& a : as) {
      AlarmSpec alarm = AlarmOf(a);
      if (!alarm_names.insert(alarm.name).second) Fail(a, "alarm '" + alarm.name + "' is declared twice");
      w.alarms.push_back(std::move(alarm));
    }
  }
  if (const YAML::Node q = root["quota_policy"]) {
    AllowedKeys(q, "quota_policy", {"alarm", "factor", "delay", "maximum"});
    QuotaPolicy p;
    const YAML::Node alarm = Required(q, "alarm", "quota_policy");
    p.alarm = ScalarOf(alarm, "alarm");
    if (!alarm_names.count(p.alarm)) Fail(alarm, "quota_policy names alarm '" + p.alarm + "', which is not declared");
    if (q["factor"]) {
      p.factor = NumberOf(q["factor"], "factor");
      if (p.factor <= 1) Fail(q["factor"], "factor must be more than 1");
    }
    if (q["delay"]) p.delay = DurationOf(q["delay"], "delay");
    if (q["maximum"]) p.maximum = IntegerOf(q["maximum"], "maximum", 1, 1'000'000'000);
    w.quota_policy = p;
  }
  return w;
}

}  // namespace

std::optional<Duration> ParseDurationText(std::string_view text) {
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || !std::isfinite(value) || value < 0) return std::nullopt;
  const std::string_view unit(ptr, static_cast<std::size_t>(text.data() + text.size() - ptr));
  double scale = 0;
  if (unit == "ns") scale = 1;
  else if (unit == "us") scale = 1e3;
  else if (unit == "ms") scale = 1e6;
  else if (unit == "s") scale = 1e9;
  else if (unit == "m") scale = 60e9;
  else if (unit == "h") scale = 3600e9;
  else if (unit == "d") scale = 86400e9;
  else if (unit.empty() && value == 0) scale = 1;
  else return std::nullopt;
  const double nanos = value * scale;
  if (nanos > 9e18) return std::nullopt;
  return Duration::Nanos(static_cast<std::int64_t>(std::llround(nanos)));
}

StatusOr<Workload> ParseWorkload(std::string_view text, std::string_view source, std::string_view base_dir) {
  auto at = [&](const YAML::Mark& m, const std::string& message) {
    // yaml-cpp marks are 0-based; a mark of -1 (no position) is reported as 1:1.
    const int line = m.line < 0 ? 1 : m.line + 1;
    const int column = m.column < 0 ? 1 : m.column + 1;
    return Status(ErrorCode::kValidation,
                  std::string(source) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message);
  };
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    return Parse(root, source, base_dir);
  } catch (const ParseError& e) {
    return at(e.mark, e.message);
  } catch (const YAML::Exception& e) {
    return at(e.mark, e.msg);
  } catch (const std::exception& e) {
    return at(YAML::Mark::null_mark(), e.what());
  }
}

StatusOr<Workload> LoadWorkload(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kInvalidParameter, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  const std::size_t slash = path.rfind('/');
  return ParseWorkload(text.str(), path, slash == std::string::npos ? "" : path.substr(0, slash));
}

}  // namespace hr::sim
