#pragma once
// PrometheusText: GET /metrics — the gauges and counters of every account in Prometheus's
// text exposition format 0.0.4, labelled by account, region and function. The numbers are
// LambdaMetrics' running totals and the engine's pool, the same ones the AWS/Lambda metrics
// are recorded from. Thread-safe (takes the registry's and the telemetry's locks in turn).

#include <string>

#include "server/account_registry.h"
#include "server/telemetry.h"

namespace hr::server {

std::string PrometheusText(AccountRegistry& registry, Telemetry& telemetry);

}  // namespace hr::server
