#pragma once
// The AWS/Lambda namespace and the metric and dimension names Lambda emits (spec §3.6),
// spelled once for every writer (telemetry::LambdaMetrics, the simulator's MetricFeed) and
// reader (SERVICE_QUOTA's binding, the dashboard's queries). Any thread.

#include <string_view>

namespace hr::telemetry {

inline constexpr std::string_view kLambdaNamespace = "AWS/Lambda";

namespace lambda_metric {
inline constexpr char kConcurrentExecutions[] = "ConcurrentExecutions";
inline constexpr char kUnreservedConcurrentExecutions[] = "UnreservedConcurrentExecutions";
inline constexpr char kClaimedAccountConcurrency[] = "ClaimedAccountConcurrency";
inline constexpr char kInvocations[] = "Invocations";
inline constexpr char kErrors[] = "Errors";
inline constexpr char kDuration[] = "Duration";
inline constexpr char kThrottles[] = "Throttles";
inline constexpr char kAsyncEventsReceived[] = "AsyncEventsReceived";
inline constexpr char kAsyncEventAge[] = "AsyncEventAge";
inline constexpr char kAsyncEventsDropped[] = "AsyncEventsDropped";
inline constexpr char kProvisionedConcurrencyInvocations[] = "ProvisionedConcurrencyInvocations";
inline constexpr char kProvisionedConcurrencySpilloverInvocations[] = "ProvisionedConcurrencySpilloverInvocations";
inline constexpr char kProvisionedConcurrentExecutions[] = "ProvisionedConcurrentExecutions";
inline constexpr char kProvisionedConcurrencyUtilization[] = "ProvisionedConcurrencyUtilization";
}  // namespace lambda_metric

namespace lambda_dimension {
inline constexpr char kFunctionName[] = "FunctionName";
inline constexpr char kResource[] = "Resource";
inline constexpr char kExecutedVersion[] = "ExecutedVersion";
}  // namespace lambda_dimension

}  // namespace hr::telemetry
