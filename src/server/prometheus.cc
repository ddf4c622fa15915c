#include "server/prometheus.h"

#include <cstdio>
#include <vector>

namespace hr::server {
namespace {

std::string Escape(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

struct Family {
  const char* name;
  const char* type;
  const char* help;
  std::string samples;
};

}  // namespace

std::string PrometheusText(AccountRegistry& registry, Telemetry& telemetry) {
  struct AccountRow {
    std::uint32_t owner;
    std::string labels;
    engine::PoolView pool;
  };
  std::vector<AccountRow> accounts;
  registry.ForEach([&](engine::Account& a) {
    accounts.push_back({a.index(),
                        "account=\"" + Escape(a.account_id()) + "\",region=\"" + Escape(a.region()) + "\"",
                        a.Pool()});
  });
  Family limit{"headroom_account_concurrency_limit", "gauge", "The account's concurrency quota (L-B99A9384).", ""};
  Family claimed{"headroom_claimed_account_concurrency", "gauge", "ClaimedAccountConcurrency.", ""};
  Family unreserved{"headroom_unreserved_concurrent_executions", "gauge", "UnreservedConcurrentExecutions.", ""};
  Family concurrent{"headroom_concurrent_executions", "gauge", "ConcurrentExecutions.", ""};
  Family invocations{"headroom_invocations_total", "counter", "Invocations.", ""};
  Family errors{"headroom_errors_total", "counter", "Errors.", ""};
  Family throttles{"headroom_throttles_total", "counter", "Throttles.", ""};
  Family duration{"headroom_duration_seconds_total", "counter", "Sum of Duration, in seconds.", ""};
  Family provisioned{"headroom_provisioned_concurrent_executions", "gauge", "ProvisionedConcurrentExecutions.", ""};
  Family async_received{"headroom_async_events_received_total", "counter", "AsyncEventsReceived.", ""};
  Family async_dropped{"headroom_async_events_dropped_total", "counter", "AsyncEventsDropped.", ""};
  telemetry.Read([&](telemetry::MetricStore&, const telemetry::LambdaMetrics& metrics) {
    for (const AccountRow& row : accounts) {
      const std::string l = "{" + row.labels + "}";
      limit.samples += limit.name + l + " " + Number(static_cast<double>(row.pool.limit)) + "\n";
      claimed.samples += claimed.name + l + " " + Number(static_cast<double>(row.pool.claimed)) + "\n";
      unreserved.samples += unreserved.name + l + " " + Number(static_cast<double>(row.pool.unreserved_busy)) + "\n";
      const telemetry::AccountTotals* totals = metrics.Account(row.owner);
      concurrent.samples += concurrent.name + l + " " + Number(totals ? static_cast<double>(totals->concurrent) : 0) + "\n";
      async_received.samples += async_received.name + l + " " + Number(totals ? static_cast<double>(totals->async_received) : 0) + "\n";
      async_dropped.samples += async_dropped.name + l + " " + Number(totals ? static_cast<double>(totals->async_dropped) : 0) + "\n";
      metrics.ForEachFunction(row.owner, [&](const std::string& function, const telemetry::FunctionTotals& f) {
        const std::string fl = "{" + row.labels + ",function=\"" + Escape(function) + "\"}";
        concurrent.samples += concurrent.name + fl + " " + Number(static_cast<double>(f.concurrent)) + "\n";
        provisioned.samples += provisioned.name + fl + " " + Number(static_cast<double>(f.provisioned_concurrent)) + "\n";
        invocations.samples += invocations.name + fl + " " + Number(static_cast<double>(f.invocations)) + "\n";
        errors.samples += errors.name + fl + " " + Number(static_cast<double>(f.errors)) + "\n";
        throttles.samples += throttles.name + fl + " " + Number(static_cast<double>(f.throttles)) + "\n";
        duration.samples += duration.name + fl + " " + Number(f.duration_ms_sum / 1000) + "\n";
      });
    }
    return 0;
  });
  std::string out;
  for (const Family* f : {&limit, &claimed, &unreserved, &concurrent, &provisioned, &invocations, &errors, &throttles,
                          &duration, &async_received, &async_dropped}) {
    out += std::string("# HELP ") + f->name + " " + f->help + "\n# TYPE " + f->name + " " + f->type + "\n";
    out += f->samples;
  }
  return out;
}

}  // namespace hr::server
