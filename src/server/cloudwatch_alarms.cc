// CloudWatch's alarm operations (server/cloudwatch_service.h), validated as spec §6.3 says.

#include <algorithm>

#include "base/iso_time.h"
#include "server/alarm_evaluator.h"
#include "server/cloudwatch_service.h"
#include "server/json_input.h"
#include "telemetry/alarm_validation.h"

namespace hr::server {
namespace {

using telemetry::AlarmState;

RpcReply Invalid(std::string message) { return RpcReply::Fail("InvalidParameterValueException", std::move(message)); }
RpcReply Combination(std::string message) {
  return RpcReply::Fail("InvalidParameterCombinationException", std::move(message));
}

std::vector<std::string> Strings(const boost::json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const boost::json::array* list = ArrayOf(o, key)) {
    for (const boost::json::value& v : *list) {
      if (v.is_string()) out.emplace_back(v.get_string());
    }
  }
  return out;
}

std::string AlarmArn(std::string_view region, std::string_view account, std::string_view name) {
  return "arn:aws:cloudwatch:" + std::string(region) + ":" + std::string(account) + ":alarm:" + std::string(name);
}

// Builds the alarm PutMetricAlarm describes, or the error AWS gives.
RpcReply BuildAlarm(const RpcCall& call, Alarm& alarm) {
  const boost::json::object& in = call.input;
  alarm.name = StringOr(in, "AlarmName");
  alarm.arn = AlarmArn(call.region, call.account, alarm.name);
  alarm.config = in;
  alarm.actions_enabled = BoolOf(in, "ActionsEnabled").value_or(true);
  alarm.ok_actions = Strings(in, "OKActions");
  alarm.alarm_actions = Strings(in, "AlarmActions");
  alarm.insufficient_data_actions = Strings(in, "InsufficientDataActions");
  for (const auto* list : {&alarm.ok_actions, &alarm.alarm_actions, &alarm.insufficient_data_actions}) {
    for (const std::string& arn : *list) {
      const std::string prefix_lambda = "arn:aws:lambda:" + std::string(call.region) + ":";
      const std::string prefix_sns = "arn:aws:sns:" + std::string(call.region) + ":";
      if (arn.rfind("arn:aws:lambda:", 0) == 0 && arn.rfind(prefix_lambda, 0) != 0) {
        return Invalid("Invalid region in action " + arn + ". Only " + std::string(call.region) + " is supported.");
      }
      if (arn.rfind("arn:aws:sns:", 0) == 0 && arn.rfind(prefix_sns, 0) != 0) {
        return Invalid("Invalid region in action " + arn + ". Only " + std::string(call.region) + " is supported.");
      }
      if (arn.rfind("arn:", 0) != 0) return Invalid("Invalid arn syntax: " + arn);
    }
  }

  telemetry::AlarmRule& rule = alarm.rule;
  const auto comparison = telemetry::ParseComparisonOperator(StringOr(in, "ComparisonOperator"));
  if (!comparison) {
    return Invalid("Comparison operator " + StringOr(in, "ComparisonOperator") +
                   " is only supported for anomaly detection alarms.");
  }
  rule.comparison = *comparison;
  const std::optional<double> threshold = NumberOf(in, "Threshold");
  if (!threshold) return RpcReply::Fail("ValidationError", "Threshold must be specified for a static threshold alarm.");
  rule.threshold = *threshold;
  rule.evaluation_periods = static_cast<int>(NumberOf(in, "EvaluationPeriods").value_or(0));
  if (rule.evaluation_periods < 1) return Invalid("EvaluationPeriods must be greater than 0.");
  const std::optional<double> m = NumberOf(in, "DatapointsToAlarm");
  rule.datapoints_to_alarm = m ? static_cast<int>(*m) : rule.evaluation_periods;
  rule.datapoints_to_alarm_given = m.has_value();
  if (rule.datapoints_to_alarm < 1) return RpcReply::Fail("ValidationError", "DatapointsToAlarm must be greater than 0");
  if (rule.datapoints_to_alarm > rule.evaluation_periods) {
    return RpcReply::Fail("ValidationError", "DatapointsToAlarm must be less than or equal to EvaluationPeriods");
  }
  const std::string treat = StringOr(in, "TreatMissingData", "missing");
  const auto missing = telemetry::ParseTreatMissingData(treat);
  if (!missing) {
    return RpcReply::Fail("ValidationError", "Invalid value for TreatMissingData: " + treat +
                                                 ". Valid values are: breaching, notBreaching, ignore, missing");
  }
  rule.treat_missing = *missing;

  const bool single = Member(in, "MetricName") != nullptr;
  const boost::json::array* metrics = ArrayOf(in, "Metrics");
  if (single && metrics) {
    return RpcReply::Fail("ValidationError", "MetricName should not be set if list of Metrics is set.");
  }
  if (!single && !metrics) {
    return RpcReply::Fail("ValidationError", "Either MetricName or a list of Metrics must be set.");
  }
  std::int64_t period = 0;
  if (single) {
    for (std::string_view forbidden : {"ThresholdMetricId"}) {
      if (Member(in, forbidden)) return Combination("ThresholdMetricId is only valid with Metrics.");
    }
    const bool statistic = Member(in, "Statistic") != nullptr;
    const bool extended = Member(in, "ExtendedStatistic") != nullptr;
    if (statistic == extended) return Combination("Exactly one of Statistic and ExtendedStatistic must be specified.");
    if (!Member(in, "Namespace")) return RpcReply::Fail("MissingRequiredParameterException", "Namespace is required.");
    period = static_cast<std::int64_t>(NumberOf(in, "Period").value_or(0));
    if (!Member(in, "Period")) return RpcReply::Fail("MissingRequiredParameterException", "Period is required.");
    const std::string stat_name = StringOr(in, statistic ? "Statistic" : "ExtendedStatistic");
    const auto stat = telemetry::ParseStatistic(stat_name);
    if (!stat || (extended != (stat->kind == telemetry::StatisticKind::kPercentile))) {
      return Invalid("The value " + stat_name + " for parameter ExtendedStatistic is not supported.");
    }
    rule.statistic = stat_name;
    rule.unit = StringOr(in, "Unit");
    telemetry::MetricQuery q;
    q.id = "m1";
    q.metric_stat = telemetry::MetricStatQuery{ParseMetric(in), Duration::Seconds(std::max<std::int64_t>(period, 1)), *stat,
                                               std::nullopt};
    if (std::string unit = StringOr(in, "Unit"); !unit.empty()) q.metric_stat->unit = unit;
    alarm.queries.push_back(std::move(q));
  } else {
    for (std::string_view forbidden : {"Namespace", "Dimensions", "Period", "Unit", "Statistic", "ExtendedStatistic"}) {
      if (Member(in, forbidden)) {
        return RpcReply::Fail("ValidationError", std::string(forbidden) + " should not be set if list of Metrics is set.");
      }
    }
    if (metrics->empty() || metrics->size() > 10) {
      return RpcReply::Fail("ValidationError", "The Metrics list must contain between 1 and 10 elements.");
    }
    for (std::size_t i = 0; i < metrics->size(); ++i) {
      auto q = ParseMetricDataQuery((*metrics)[i], "Metrics.member." + std::to_string(i + 1));
      if (!q.ok()) return RpcReply::Of(q.status());
      alarm.queries.push_back(std::move(*q));
    }
    auto shared = telemetry::MetricMathAlarmPeriod(alarm.queries);
    if (!shared.ok()) return RpcReply::Fail("ValidationError", shared.status().message());
    period = *shared;
  }
  if (Status s = telemetry::CheckAlarmPeriod(period, rule.evaluation_periods); !s.ok()) {
    return RpcReply::Fail("ValidationError", s.message());
  }
  rule.period = Duration::Seconds(period);
  return RpcReply();
}

boost::json::object RenderAlarm(const Alarm& a) {
  const boost::json::object& c = a.config;
  boost::json::object o{{"AlarmName", a.name}, {"AlarmArn", a.arn}};
  for (std::string_view key : {"AlarmDescription"}) {
    if (const boost::json::value* v = Member(c, key)) o[key] = *v;
  }
  o["AlarmConfigurationUpdatedTimestamp"] = EpochSeconds(a.configuration_updated);
  o["ActionsEnabled"] = a.actions_enabled;
  o["OKActions"] = boost::json::value_from(a.ok_actions);
  o["AlarmActions"] = boost::json::value_from(a.alarm_actions);
  o["InsufficientDataActions"] = boost::json::value_from(a.insufficient_data_actions);
  o["StateValue"] = telemetry::AlarmStateName(a.state);
  o["StateReason"] = a.reason;
  if (!a.reason_data.empty()) o["StateReasonData"] = a.reason_data;
  o["StateUpdatedTimestamp"] = EpochSeconds(a.state_updated);
  for (std::string_view key : {"MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Dimensions", "Period",
                               "Unit", "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator",
                               "TreatMissingData", "EvaluateLowSampleCountPercentile", "Metrics", "ThresholdMetricId"}) {
    if (const boost::json::value* v = Member(c, key)) o[key] = *v;
  }
  if (Member(c, "MetricName") && !Member(c, "Dimensions")) o["Dimensions"] = boost::json::array();
  if (const boost::json::value* t = Member(c, "Threshold")) o["Threshold"] = t->to_number<double>();
  o["StateTransitionedTimestamp"] = EpochSeconds(a.state_transitioned);
  return o;
}

RpcReply PutMetricAlarm(CloudWatchContext& ctx, const RpcCall& call) {
  Alarm alarm;
  if (RpcReply invalid = BuildAlarm(call, alarm); !invalid.ok()) return invalid;
  alarm.configuration_updated = call.now;
  alarm.next_evaluation = call.now;
  ctx.alarms.With(std::string(call.account), std::string(call.region), [&](AlarmTable& table) {
    auto it = table.find(alarm.name);
    if (it == table.end()) {
      alarm.state_updated = call.now;
      alarm.state_transitioned = call.now;
      alarm.AddHistory({call.now, "ConfigurationUpdate", "Alarm \"" + alarm.name + "\" created",
                        boost::json::serialize(boost::json::object{{"version", "1.0"}, {"type", "Create"}})});
      table.emplace(alarm.name, std::move(alarm));
    } else {
      // An update keeps the state and the history; the whole configuration is replaced.
      Alarm& existing = it->second;
      alarm.state = existing.state;
      alarm.reason = existing.reason;
      alarm.reason_data = existing.reason_data;
      alarm.state_updated = existing.state_updated;
      alarm.state_transitioned = existing.state_transitioned;
      alarm.history = std::move(existing.history);
      alarm.AddHistory({call.now, "ConfigurationUpdate", "Alarm \"" + alarm.name + "\" updated",
                        boost::json::serialize(boost::json::object{{"version", "1.0"}, {"type", "Update"}})});
      existing = std::move(alarm);
    }
  });
  return RpcReply();
}

// DescribeAlarms' and DescribeAlarmHistory's paging token: the name to resume at.
RpcReply DescribeAlarms(CloudWatchContext& ctx, const RpcCall& call) {
  const std::vector<std::string> names = Strings(call.input, "AlarmNames");
  const std::string prefix = StringOr(call.input, "AlarmNamePrefix");
  if (!names.empty() && !prefix.empty()) {
    return Combination("AlarmNames and AlarmNamePrefix are mutually exclusive.");
  }
  const std::string state = StringOr(call.input, "StateValue");
  const std::string action_prefix = StringOr(call.input, "ActionPrefix");
  const std::vector<std::string> types = Strings(call.input, "AlarmTypes");
  const bool metric_alarms = types.empty() || std::find(types.begin(), types.end(), "MetricAlarm") != types.end();
  const std::size_t max = static_cast<std::size_t>(NumberOf(call.input, "MaxRecords").value_or(50));
  const std::string token = StringOr(call.input, "NextToken");
  RpcReply reply;
  boost::json::array out;
  if (metric_alarms) {
    ctx.alarms.With(std::string(call.account), std::string(call.region), [&](AlarmTable& table) {
      for (auto it = table.lower_bound(token); it != table.end(); ++it) {
        const Alarm& a = it->second;
        if (!names.empty() && std::find(names.begin(), names.end(), a.name) == names.end()) continue;
        if (!prefix.empty() && a.name.rfind(prefix, 0) != 0) continue;
        if (!state.empty() && telemetry::AlarmStateName(a.state) != state) continue;
        if (!action_prefix.empty()) {
          bool any = false;
          for (const auto* list : {&a.ok_actions, &a.alarm_actions, &a.insufficient_data_actions}) {
            for (const std::string& arn : *list) any = any || arn.rfind(action_prefix, 0) == 0;
          }
          if (!any) continue;
        }
        if (out.size() == max) {
          reply.output["NextToken"] = a.name;
          break;
        }
        out.push_back(RenderAlarm(a));
      }
    });
  }
  reply.output["MetricAlarms"] = std::move(out);
  reply.output["CompositeAlarms"] = boost::json::array();
  return reply;
}

RpcReply DescribeAlarmsForMetric(CloudWatchContext& ctx, const RpcCall& call) {
  const telemetry::MetricId metric = ParseMetric(call.input);
  const bool dims_given = Member(call.input, "Dimensions") != nullptr;
  const std::string statistic = StringOr(call.input, "Statistic");
  const std::string extended = StringOr(call.input, "ExtendedStatistic");
  const std::optional<double> period = NumberOf(call.input, "Period");
  boost::json::array out;
  ctx.alarms.With(std::string(call.account), std::string(call.region), [&](AlarmTable& table) {
    for (const auto& [name, a] : table) {
      if (a.queries.size() != 1 || !a.queries[0].metric_stat || Member(a.config, "Metrics")) continue;
      const telemetry::MetricId& m = a.queries[0].metric_stat->metric;
      if (m.ns != metric.ns || m.name != metric.name) continue;
      if (dims_given && m.dimensions != metric.dimensions) continue;
      if (!statistic.empty() && StringOr(a.config, "Statistic") != statistic) continue;
      if (!extended.empty() && StringOr(a.config, "ExtendedStatistic") != extended) continue;
      if (period && NumberOf(a.config, "Period") != period) continue;
      out.push_back(RenderAlarm(a));
    }
  });
  RpcReply reply;
  reply.output["MetricAlarms"] = std::move(out);
  return reply;
}

RpcReply DescribeAlarmHistory(CloudWatchContext& ctx, const RpcCall& call) {
  const std::string name = StringOr(call.input, "AlarmName");
  const std::string type = StringOr(call.input, "HistoryItemType");
  const std::optional<Timestamp> start = TimestampOf(call.input, "StartDate");
  const std::optional<Timestamp> end = TimestampOf(call.input, "EndDate");
  const bool ascending = StringOr(call.input, "ScanBy", "TimestampDescending") == "TimestampAscending";
  const std::size_t max = static_cast<std::size_t>(NumberOf(call.input, "MaxRecords").value_or(100));
  std::size_t offset = 0;
  if (const std::string token = StringOr(call.input, "NextToken"); !token.empty()) {
    try {
      offset = std::stoull(token);
    } catch (...) {
      return RpcReply::Fail("InvalidNextToken", "The service couldn't process the NextToken.");
    }
  }
  struct Item {
    std::string alarm;
    AlarmHistoryItem item;
  };
  std::vector<Item> items;
  ctx.alarms.With(std::string(call.account), std::string(call.region), [&](AlarmTable& table) {
    for (const auto& [alarm_name, a] : table) {
      if (!name.empty() && alarm_name != name) continue;
      for (const AlarmHistoryItem& h : a.history) {
        if (!type.empty() && h.type != type) continue;
        if ((start && h.at < *start) || (end && h.at > *end)) continue;
        items.push_back({alarm_name, h});
      }
    }
  });
  if (!ascending) std::reverse(items.begin(), items.end());  // equal times: newest first too
  std::stable_sort(items.begin(), items.end(), [&](const Item& x, const Item& y) {
    return ascending ? x.item.at < y.item.at : x.item.at > y.item.at;
  });
  boost::json::array out;
  for (std::size_t i = offset; i < items.size() && i < offset + max; ++i) {
    out.push_back(boost::json::object{{"AlarmName", items[i].alarm},
                                      {"AlarmType", "MetricAlarm"},
                                      {"Timestamp", EpochSeconds(items[i].item.at)},
                                      {"HistoryItemType", items[i].item.type},
                                      {"HistorySummary", items[i].item.summary},
                                      {"HistoryData", items[i].item.data}});
  }
  RpcReply reply;
  reply.output["AlarmHistoryItems"] = std::move(out);
  if (offset + max < items.size()) reply.output["NextToken"] = std::to_string(offset + max);
  return reply;
}

RpcReply DeleteAlarms(CloudWatchContext& ctx, const RpcCall& call) {
  const std::vector<std::string> names = Strings(call.input, "AlarmNames");
  std::string missing;
  ctx.alarms.With(std::string(call.account), std::string(call.region), [&](AlarmTable& table) {
    for (const std::string& n : names) {
      if (!table.count(n)) missing += (missing.empty() ? "" : ", ") + n;
    }
    if (!missing.empty()) return;
    for (const std::string& n : names) table.erase(n);
  });
  if (!missing.empty()) return RpcReply::Fail("ResourceNotFound", "The following alarms were not found: [" + missing + "]");
  return RpcReply();
}

RpcReply SetAlarmState(CloudWatchContext& ctx, const RpcCall& call) {
  const std::string name = StringOr(call.input, "AlarmName");
  const auto state = telemetry::ParseAlarmState(StringOr(call.input, "StateValue"));
  if (!state) return Invalid("Invalid state value.");
  const std::string reason_data = StringOr(call.input, "StateReasonData");
  if (!reason_data.empty()) {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(reason_data, ec);
    if (ec || !parsed.is_object()) return RpcReply::Fail("InvalidFormatFault", "StateReasonData is not valid JSON.");
  }
  bool found = false;
  std::vector<AlarmEvaluator::PendingAction> actions =
      ctx.alarms.With(std::string(call.account), std::string(call.region), [&](AlarmTable& table) {
        auto it = table.find(name);
        if (it == table.end()) return std::vector<AlarmEvaluator::PendingAction>();
        found = true;
        return ctx.evaluator.ChangeState(std::string(call.account), std::string(call.region), it->second, *state,
                                         StringOr(call.input, "StateReason"), reason_data, call.now);
      });
  if (!found) return RpcReply::Fail("ResourceNotFound", "Could not find alarm " + name + ".");
  if (!call.replay) ctx.evaluator.Run(std::move(actions));
  return RpcReply();
}

RpcReply SetActionsEnabled(CloudWatchContext& ctx, const RpcCall& call, bool enabled) {
  const std::vector<std::string> names = Strings(call.input, "AlarmNames");
  ctx.alarms.With(std::string(call.account), std::string(call.region), [&](AlarmTable& table) {
    for (const std::string& n : names) {
      if (auto it = table.find(n); it != table.end()) it->second.actions_enabled = enabled;
    }
  });
  return RpcReply();
}

}  // namespace

std::vector<RpcOperation> CloudWatchAlarmOperations(CloudWatchContext& ctx) {
  return {
      {"DeleteAlarms", true, [&ctx](const RpcCall& c) { return DeleteAlarms(ctx, c); }},
      {"DescribeAlarmHistory", false, [&ctx](const RpcCall& c) { return DescribeAlarmHistory(ctx, c); }},
      {"DescribeAlarms", false, [&ctx](const RpcCall& c) { return DescribeAlarms(ctx, c); }},
      {"DescribeAlarmsForMetric", false, [&ctx](const RpcCall& c) { return DescribeAlarmsForMetric(ctx, c); }},
      {"DisableAlarmActions", true, [&ctx](const RpcCall& c) { return SetActionsEnabled(ctx, c, false); }},
      {"EnableAlarmActions", true, [&ctx](const RpcCall& c) { return SetActionsEnabled(ctx, c, true); }},
      {"PutMetricAlarm", true, [&ctx](const RpcCall& c) { return PutMetricAlarm(ctx, c); }},
      {"SetAlarmState", true, [&ctx](const RpcCall& c) { return SetAlarmState(ctx, c); }},
  };
}

}  // namespace hr::server
