#include "server/alarm_evaluator.h"

#include <cctype>
#include <cstdio>

#include "base/function_ref.h"
#include "base/iso_time.h"
#include "server/cloudwatch_service.h"
#include "telemetry/alarm_queries.h"
#include "server/json_input.h"
#include "server/request_id.h"

namespace hr::server {
namespace {

using telemetry::AlarmState;

constexpr std::string_view kAlarmPrincipal = "lambda.alarms.cloudwatch.amazonaws.com";

// AWS's long Region names, as alarm notifications print them.
std::string RegionLongName(const std::string& region) {
  static const std::map<std::string, std::string> kNames = {
      {"us-east-1", "US East (N. Virginia)"}, {"us-east-2", "US East (Ohio)"},
      {"us-west-1", "US West (N. California)"}, {"us-west-2", "US West (Oregon)"},
      {"eu-west-1", "EU (Ireland)"}, {"eu-west-2", "EU (London)"}, {"eu-central-1", "EU (Frankfurt)"},
      {"ap-southeast-1", "Asia Pacific (Singapore)"}, {"ap-southeast-2", "Asia Pacific (Sydney)"},
      {"ap-northeast-1", "Asia Pacific (Tokyo)"}, {"ap-south-1", "Asia Pacific (Mumbai)"},
      {"sa-east-1", "South America (Sao Paulo)"}, {"ca-central-1", "Canada (Central)"}};
  auto it = kNames.find(region);
  return it == kNames.end() ? region : it->second;
}

// '*' and '?' wildcards, as ArnLike conditions match.
bool GlobMatch(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

boost::json::object MetricStatJson(const boost::json::object& stat_or_alarm, bool from_alarm) {
  boost::json::object dims;
  if (const boost::json::array* list = ArrayOf(from_alarm ? stat_or_alarm : *ObjectOf(stat_or_alarm, "Metric"), "Dimensions")) {
    for (const boost::json::value& d : *list) {
      if (d.is_object()) dims[StringOr(d.get_object(), "Name")] = StringOr(d.get_object(), "Value");
    }
  }
  const boost::json::object& metric = from_alarm ? stat_or_alarm : *ObjectOf(stat_or_alarm, "Metric");
  boost::json::object out{{"metric", boost::json::object{{"namespace", StringOr(metric, "Namespace")},
                                                         {"name", StringOr(metric, "MetricName")},
                                                         {"dimensions", std::move(dims)}}},
                          {"period", NumberOf(stat_or_alarm, "Period").value_or(0)},
                          {"stat", from_alarm ? StringOr(stat_or_alarm, "Statistic", StringOr(stat_or_alarm, "ExtendedStatistic"))
                                              : StringOr(stat_or_alarm, "Stat")}};
  if (std::string unit = StringOr(stat_or_alarm, "Unit"); !unit.empty()) out["unit"] = unit;
  return out;
}

// A state in the alarm event: reasonData only when the state has some.
boost::json::object StateJson(AlarmState state, const std::string& reason, const std::string& reason_data,
                              Timestamp at) {
  boost::json::object o{{"value", telemetry::AlarmStateName(state)}, {"reason", reason}};
  if (!reason_data.empty()) o["reasonData"] = reason_data;
  o["timestamp"] = FormatLambdaTimestamp(at);
  return o;
}

// A UUID-shaped id that is the same for the same text (AWS gives a single-metric alarm's
// metric an id of this shape).
std::string StableId(std::string_view text) {
  std::uint64_t a = 1469598103934665603ull, b = 1099511628211ull;
  for (char c : text) {
    a = (a ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    b = (b + static_cast<unsigned char>(c)) * 6364136223846793005ull + 1;
  }
  char out[40];
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>(a >> 16) & 0xffff, static_cast<unsigned>(a) & 0xfff,
                static_cast<unsigned>(b >> 48) & 0xfff, static_cast<unsigned long long>(b & 0xffffffffffffull));
  return out;
}

// The notification's Trigger: what the alarm watches, as CloudWatch describes it to SNS.
boost::json::object Trigger(const Alarm& alarm) {
  const boost::json::object& c = alarm.config;
  boost::json::object t;
  if (Member(c, "MetricName")) {
    t["MetricName"] = StringOr(c, "MetricName");
    t["Namespace"] = StringOr(c, "Namespace");
    if (Member(c, "Statistic")) {
      t["StatisticType"] = "Statistic";
      std::string stat = StringOr(c, "Statistic");
      for (char& ch : stat) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      t["Statistic"] = stat;
    } else {
      t["StatisticType"] = "ExtendedStatistic";
      t["ExtendedStatistic"] = StringOr(c, "ExtendedStatistic");
    }
    t["Unit"] = Member(c, "Unit") ? boost::json::value(StringOr(c, "Unit")) : boost::json::value(nullptr);
    boost::json::array dims;
    if (const boost::json::array* list = ArrayOf(c, "Dimensions")) {
      for (const boost::json::value& d : *list) {
        if (d.is_object()) {
          dims.push_back(boost::json::object{{"value", StringOr(d.get_object(), "Value")},
                                             {"name", StringOr(d.get_object(), "Name")}});
        }
      }
    }
    t["Dimensions"] = std::move(dims);
    t["Period"] = static_cast<std::int64_t>(NumberOf(c, "Period").value_or(0));
  } else {
    boost::json::array metrics;
    if (const boost::json::array* list = ArrayOf(c, "Metrics")) {
      for (const boost::json::value& v : *list) metrics.push_back(v);
    }
    t["Metrics"] = std::move(metrics);
    t["Period"] = static_cast<std::int64_t>(alarm.rule.period.nanos() / 1'000'000'000);
  }
  t["EvaluationPeriods"] = static_cast<std::int64_t>(alarm.rule.evaluation_periods);
  if (alarm.rule.datapoints_to_alarm_given) t["DatapointsToAlarm"] = static_cast<std::int64_t>(alarm.rule.datapoints_to_alarm);
  t["ComparisonOperator"] = StringOr(c, "ComparisonOperator");
  t["Threshold"] = alarm.rule.threshold;
  t["TreatMissingData"] = StringOr(c, "TreatMissingData");
  t["EvaluateLowSampleCountPercentile"] = StringOr(c, "EvaluateLowSampleCountPercentile");
  return t;
}

}  // namespace

std::string AlarmLambdaEvent(const std::string& account, const std::string& region, const Alarm& alarm,
                             AlarmState previous, const std::string& previous_reason,
                             const std::string& previous_reason_data, Timestamp previous_at, Timestamp now) {
  boost::json::array metrics;
  if (const boost::json::array* list = ArrayOf(alarm.config, "Metrics")) {
    for (const boost::json::value& v : *list) {
      if (!v.is_object()) continue;
      const boost::json::object& q = v.get_object();
      boost::json::object m{{"id", StringOr(q, "Id")}};
      if (const boost::json::object* stat = ObjectOf(q, "MetricStat")) {
        m["metricStat"] = MetricStatJson(*stat, false);
      } else {
        m["expression"] = StringOr(q, "Expression");
      }
      if (std::string label = StringOr(q, "Label"); !label.empty()) m["label"] = label;
      m["returnData"] = BoolOf(q, "ReturnData").value_or(true);
      metrics.push_back(std::move(m));
    }
  } else {
    metrics.push_back(boost::json::object{
        {"id", StableId(alarm.arn)}, {"metricStat", MetricStatJson(alarm.config, true)}, {"returnData", true}});
  }
  boost::json::object configuration{{"metrics", std::move(metrics)}};
  if (std::string d = StringOr(alarm.config, "AlarmDescription"); !d.empty()) configuration["description"] = d;
  boost::json::object event{
      {"source", "aws.cloudwatch"},
      {"alarmArn", alarm.arn},
      {"accountId", account},
      {"time", FormatLambdaTimestamp(now)},
      {"region", region},
      {"alarmData",
       boost::json::object{
           {"alarmName", alarm.name},
           {"state", StateJson(alarm.state, alarm.reason, alarm.reason_data, alarm.state_updated)},
           {"previousState", StateJson(previous, previous_reason, previous_reason_data, previous_at)},
           {"configuration", std::move(configuration)}}}};
  return boost::json::serialize(event);
}

void AlarmEvaluator::Start() { ScheduleTick(); }

void AlarmEvaluator::ScheduleTick() {
  const Timestamp now = clock_.Now();
  scheduler_.At(telemetry::NextEvaluation(Duration::Seconds(10), now), [this] {
    EvaluateDue(clock_.Now());
    ScheduleTick();
  });
}

telemetry::AlarmEvaluation AlarmEvaluator::Evaluate(const std::string& account, const std::string& region,
                                                    const Alarm& alarm, Timestamp now) {
  const MetricScope scope = ScopeOf(registry_, account, region);
  return telemetry::EvaluateAlarmQueries(
      alarm.rule, alarm.state, alarm.queries,
      [&](std::span<const telemetry::MetricQuery> queries, Timestamp start, Timestamp end) {
        return RunMetricQueries(telemetry_, scope, queries, start, end);
      },
      now);
}

std::vector<AlarmEvaluator::PendingAction> AlarmEvaluator::ChangeState(
    const std::string& account, const std::string& region, Alarm& alarm, AlarmState state, std::string reason,
    std::string reason_data, Timestamp now) {
  const AlarmState previous = alarm.state;
  const std::string previous_reason = alarm.reason;
  const std::string previous_data = alarm.reason_data;
  const Timestamp previous_at = alarm.state_updated;
  alarm.state = state;
  alarm.reason = std::move(reason);
  alarm.reason_data = std::move(reason_data);
  alarm.state_updated = now;
  if (state != previous) alarm.state_transitioned = now;
  boost::json::object data{
      {"version", "1.0"},
      {"oldState", boost::json::object{{"stateValue", telemetry::AlarmStateName(previous)}, {"stateReason", previous_reason}}},
      {"newState", boost::json::object{{"stateValue", telemetry::AlarmStateName(state)}, {"stateReason", alarm.reason}}}};
  if (!alarm.reason_data.empty()) {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(alarm.reason_data, ec);
    if (!ec) data["newState"].get_object()["stateReasonData"] = std::move(parsed);
  }
  alarm.AddHistory({now, "StateUpdate",
                    "Alarm updated from " + std::string(telemetry::AlarmStateName(previous)) + " to " +
                        std::string(telemetry::AlarmStateName(state)),
                    boost::json::serialize(data)});
  std::vector<PendingAction> actions;
  if (!alarm.actions_enabled || state == previous) return actions;
  const std::string lambda_event =
      AlarmLambdaEvent(account, region, alarm, previous, previous_reason, previous_data, previous_at, now);
  boost::json::object notification{
      {"AlarmName", alarm.name},
      {"AlarmDescription", Member(alarm.config, "AlarmDescription") ? boost::json::value(StringOr(alarm.config, "AlarmDescription")) : boost::json::value(nullptr)},
      {"AWSAccountId", account},
      {"AlarmConfigurationUpdatedTimestamp", FormatLambdaTimestamp(alarm.configuration_updated)},
      {"NewStateValue", telemetry::AlarmStateName(state)},
      {"NewStateReason", alarm.reason},
      {"StateChangeTime", FormatLambdaTimestamp(now)},
      {"Region", RegionLongName(region)},
      {"AlarmArn", alarm.arn},
      {"OldStateValue", telemetry::AlarmStateName(previous)},
      {"OKActions", boost::json::value_from(alarm.ok_actions)},
      {"AlarmActions", boost::json::value_from(alarm.alarm_actions)},
      {"InsufficientDataActions", boost::json::value_from(alarm.insufficient_data_actions)},
      {"Trigger", Trigger(alarm)}};
  const std::string subject = std::string(telemetry::AlarmStateName(state)) + ": \"" + alarm.name + "\" in " +
                              RegionLongName(region);
  for (const std::string& arn : alarm.ActionsFor(state)) {
    PendingAction a{account, region, alarm.name, arn, "", "", ""};
    if (arn.rfind("arn:aws:lambda:", 0) == 0) {
      a.payload = lambda_event;
    } else {
      a.subject = subject.substr(0, 100);
      a.message = boost::json::serialize(notification);
    }
    actions.push_back(std::move(a));
  }
  return actions;
}

std::string AlarmEvaluator::InvokeLambda(const PendingAction& action) {
  // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
  auto ref = ParseFunctionRef(action.arn, FunctionNameShape::kNamespacedFunctionName);
  if (!ref.ok() || ref->account != action.account || ref->region != action.region) {
    return "the function is not in the alarm's account and Region";
  }
  const std::string alarm_arn = "arn:aws:cloudwatch:" + action.region + ":" + action.account + ":alarm:" + action.alarm_name;
  std::optional<std::string_view> qualifier;
  if (ref->qualifier) qualifier = *ref->qualifier;
  const std::string why = registry_.With(action.account, action.region, [&](engine::Account& a) -> std::string {
    auto function = a.GetFunction(ref->name);
    if (!function.ok()) return "Function not found: " + action.arn;
    auto policy = a.GetPolicy(ref->name, qualifier);
    bool allowed = false;
    if (policy.ok()) {
      for (const engine::PolicyStatement& s : policy->statements) {
        const bool action_ok = s.action == "lambda:InvokeFunction" || s.action == "lambda:*" || s.action == "*";
        const bool principal_ok = s.principal == kAlarmPrincipal || s.principal == "*";
        const bool arn_ok = s.source_arn.empty() || GlobMatch(s.source_arn, alarm_arn);
        const bool account_ok = s.source_account.empty() || s.source_account == action.account;
        if (action_ok && principal_ok && arn_ok && account_ok) allowed = true;
      }
    }
    if (!allowed) {
      return "CloudWatch Alarms is not authorized to perform: lambda:InvokeFunction on the resource because no "
             "resource-based policy allows the lambda:InvokeFunction action";
    }
    return function->reserved == 0 ? "Rate Exceeded. (the function's reserved concurrency is 0: throttled)" : "";
  });
  const bool throttled = why.rfind("Rate Exceeded", 0) == 0;
  if (!why.empty() && !throttled) return why;
  InvocationInput input;
  input.account = action.account;
  input.region = action.region;
  input.function = action.arn;
  input.payload = action.payload;
  input.request_id = NewRequestId();
  input.synchronous = false;
  // A throttled function still gets the event, as from AWS: the async queue drops it
  // (ZeroReservedConcurrency, AsyncEventsDropped, its OnFailure destination), and the alarm
  // history says the action was throttled.
  Status queued = async_.Enqueue(input, clock_.Now());
  return !queued.ok() ? queued.message() : why;
}

void AlarmEvaluator::Run(std::vector<PendingAction> actions) {
  for (const PendingAction& a : actions) {
    if (a.arn.rfind("arn:aws:lambda:", 0) == 0) {
      const std::string why = InvokeLambda(a);
      RecordAction(a, why.empty(), why);
    } else if (a.arn.rfind("arn:aws:sns:", 0) == 0) {
      auto id = sns_.Publish(a.account, a.region, a.arn, a.subject, a.message, clock_.Now());
      RecordAction(a, id.ok(), id.ok() ? "" : "Resource not found: " + a.arn);
    } else {
      RecordAction(a, false, "headroom does not carry out this kind of action");
    }
  }
}

void AlarmEvaluator::RecordAction(const PendingAction& action, bool ok, const std::string& detail) {
  const Timestamp now = clock_.Now();
  alarms_.With(action.account, action.region, [&](AlarmTable& table) {
    auto it = table.find(action.alarm_name);
    if (it == table.end()) return;
    boost::json::object data{{"actionState", ok ? "Succeeded" : "Failed"},
                             {"stateUpdateTimestamp", EpochSeconds(it->second.state_updated) * 1000},
                             {"notificationResource", action.arn}};
    if (!ok) data["error"] = detail;
    it->second.AddHistory({now, "Action",
                           ok ? "Successfully executed action " + action.arn
                              : "Failed to execute action " + action.arn + ". Received error: \"" + detail + "\"",
                           boost::json::serialize(data)});
  });
}

void AlarmEvaluator::JournalTransition(const std::string& account, const std::string& region, const Alarm& alarm,
                                       Timestamp now) {
  if (!journal_) return;
  std::lock_guard<std::mutex> lock(write_mutex_);
  boost::json::object body{{"state", telemetry::AlarmStateName(alarm.state)},
                           {"reason", alarm.reason},
                           {"reason_data", alarm.reason_data}};
  (void)journal_->Append(JournalEntry{account, region, "ALARM", alarm.name, boost::json::serialize(body), now, 0});
}

void AlarmEvaluator::EvaluateDue(Timestamp now) {
  struct Due {
    std::string account, region, name;
  };
  std::vector<Due> due;
  alarms_.ForEach([&](const std::string& account, const std::string& region, AlarmTable& table) {
    for (auto& [name, alarm] : table) {
      if (alarm.next_evaluation <= now) due.push_back({account, region, name});
    }
  });
  for (const Due& d : due) {
    // Read the alarm's definition, evaluate outside the registry's lock, then apply.
    std::optional<Alarm> copy = alarms_.With(d.account, d.region, [&](AlarmTable& table) -> std::optional<Alarm> {
      auto it = table.find(d.name);
      if (it == table.end()) return std::nullopt;
      it->second.next_evaluation = telemetry::NextEvaluation(it->second.rule.period, now);
      return it->second;
    });
    if (!copy) continue;
    telemetry::AlarmEvaluation result = Evaluate(d.account, d.region, *copy, now);
    if (result.state == copy->state) continue;
    std::optional<Alarm> changed;
    std::vector<PendingAction> actions = alarms_.With(d.account, d.region, [&](AlarmTable& table) {
      auto it = table.find(d.name);
      if (it == table.end() || it->second.state != copy->state) return std::vector<PendingAction>();
      auto pending = ChangeState(d.account, d.region, it->second, result.state, std::move(result.reason),
                                 std::move(result.reason_data), now);
      changed = it->second;
      return pending;
    });
    if (changed) JournalTransition(d.account, d.region, *changed, now);
    Run(std::move(actions));
  }
}

void AlarmEvaluator::Replay(const JournalEntry& entry) {
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(entry.body, ec);
  if (ec || !body.is_object()) return;
  alarms_.With(entry.account, entry.region, [&](AlarmTable& table) {
    auto it = table.find(entry.target);
    if (it == table.end()) return;
    const auto state = telemetry::ParseAlarmState(StringOr(body.get_object(), "state"));
    if (!state) return;
    (void)ChangeState(entry.account, entry.region, it->second, *state, StringOr(body.get_object(), "reason"),
                      StringOr(body.get_object(), "reason_data"), entry.at);
  });
}

}  // namespace hr::server
