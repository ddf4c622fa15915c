#pragma once
// CloudWatch: the operations headroom serves (spec §6) over both protocols real clients send —
// query (boto3 1.26, aws-cli 2.9) and JSON 1.0 with query-compatible errors (boto3 1.43,
// aws-cli 1.45, the JS SDK v3) — through server/rpc_service.h.
//   Metrics (server/cloudwatch_metrics.cc): PutMetricData, GetMetricData (metric math and
//   SERVICE_QUOTA, paging, ScanBy, labels), GetMetricStatistics, ListMetrics.
//   Alarms (server/cloudwatch_alarms.cc): PutMetricAlarm, DescribeAlarms,
//   DescribeAlarmsForMetric, DescribeAlarmHistory, DeleteAlarms, SetAlarmState,
//   EnableAlarmActions, DisableAlarmActions.
//
// Thread-safe: state lives in Telemetry, AlarmRegistry and AccountRegistry, each locked.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "base/status.h"
#include "server/account_registry.h"
#include "server/alarm_registry.h"
#include "server/rpc_service.h"
#include "server/telemetry.h"
#include "telemetry/metric_query.h"

namespace hr::server {

class AlarmEvaluator;

struct CloudWatchContext {
  AccountRegistry& registry;
  Telemetry& telemetry;
  AlarmRegistry& alarms;
  AlarmEvaluator& evaluator;
};

std::vector<RpcOperation> CloudWatchMetricOperations(CloudWatchContext& ctx);
std::vector<RpcOperation> CloudWatchAlarmOperations(CloudWatchContext& ctx);

// One MetricDataQuery of the input tree (GetMetricData, or a metric-math alarm's Metrics).
// `where` names it in messages ("MetricDataQueries.member.1"). Errors: kInvalidParameter.
StatusOr<telemetry::MetricQuery> ParseMetricDataQuery(const boost::json::value& query, const std::string& where);
// A Metric {Namespace, MetricName, Dimensions} of the input tree.
telemetry::MetricId ParseMetric(const boost::json::object& metric);

// The account's metric owner index and its applied concurrency quota.
struct MetricScope {
  telemetry::OwnerId owner = 0;
  double concurrency_quota = 0;
};
MetricScope ScopeOf(AccountRegistry& registry, std::string_view account, std::string_view region);

// Evaluates `queries` over [start, end) on the store: metric queries read their statistic,
// SERVICE_QUOTA(AWS/Lambda ConcurrentExecutions) is the applied quota. Takes the store's lock.
StatusOr<std::vector<telemetry::QueryResult>> RunMetricQueries(
    Telemetry& telemetry, const MetricScope& scope, std::span<const telemetry::MetricQuery> queries,
    Timestamp start, Timestamp end);

}  // namespace hr::server
