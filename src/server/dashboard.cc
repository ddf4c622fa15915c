// The dashboard's page and endpoints (server/dashboard.h).

#include "server/dashboard.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cmath>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "server/cloudwatch_service.h"
#include "server/dashboard_assets.h"
#include "server/json_input.h"
#include "server/lambda_service.h"
#include "server/request_id.h"
#include "telemetry/lambda_metrics.h"

namespace hr::server {
namespace {

using telemetry::Dimension;
using telemetry::MetricQuery;

constexpr std::string_view kPagePath = "/_headroom/dashboard";
constexpr std::string_view kAssetPrefix = "/_headroom/dashboard/assets/";
constexpr std::string_view kConcurrencyQuota = "L-B99A9384";

// Served when the binary was built without web/'s assets.
constexpr std::string_view kNotBuiltPage =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>headroom dashboard</title></head>"
    "<body><h1>The dashboard was not built</h1><p>This headroom binary was built without the dashboard's "
    "assets. Run <code>scripts/install-deps</code> (it runs <code>npm ci</code> in <code>web/</code>), "
    "then <code>make build</code> (or configure CMake again), and restart the server.</p></body></html>";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view ContentTypeOf(std::string_view name) {
  if (EndsWith(name, ".html")) return "text/html; charset=utf-8";
  if (EndsWith(name, ".js")) return "text/javascript; charset=utf-8";
  if (EndsWith(name, ".css")) return "text/css; charset=utf-8";
  if (EndsWith(name, ".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

net::Response AssetReply(unsigned status, std::string_view content_type, std::string_view body) {
  net::Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", std::string(content_type)});
  r.headers.push_back({"Cache-Control", "no-cache"});
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  r.body = std::string(body);
  return r;
}

net::Response Message(unsigned status, std::string_view message) {
  return JsonReply(status, boost::json::serialize(boost::json::object{{"message", message}}));
}

const DashboardAsset* FindAsset(std::string_view name) {
  for (const DashboardAsset& a : DashboardAssets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

// The value of `key` in a query string, percent-decoded ('+' is a space).
std::optional<std::string> Param(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) != key) continue;
    const std::string_view raw = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    std::string value;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '+') {
        value.push_back(' ');
      } else if (raw[i] == '%' && i + 2 < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
                 std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
        value.push_back(static_cast<char>(std::stoi(std::string(raw.substr(i + 1, 2)), nullptr, 16)));
        i += 2;
      } else {
        value.push_back(raw[i]);
      }
    }
    return value;
  }
  return std::nullopt;
}

// The windows the page offers and the period each is drawn at (90, 60 and 288 points).
std::optional<Duration> PeriodFor(std::int64_t window_seconds) {
  switch (window_seconds) {
    case 900: return Duration::Seconds(10);
    case 3600: return Duration::Seconds(60);
    case 86400: return Duration::Seconds(300);
  }
  return std::nullopt;
}

MetricQuery Stat(std::string id, std::string_view name, std::vector<Dimension> dimensions,
                 std::string_view statistic, Duration period) {
  MetricQuery q;
  q.id = std::move(id);
  q.metric_stat = telemetry::MetricStatQuery{
      telemetry::MakeMetricId(std::string(telemetry::kLambdaNamespace), std::string(name), std::move(dimensions)),
      period, *telemetry::ParseStatistic(statistic), std::nullopt};
  return q;
}

MetricQuery Expression(std::string id, std::string expression) {
  MetricQuery q;
  q.id = std::move(id);
  q.expression = std::move(expression);
  return q;
}

boost::json::object SeriesJson(const telemetry::QueryResult& r) {
  boost::json::array t, v;
  for (std::size_t i = 0; i < r.series.timestamps.size(); ++i) {
    t.push_back(EpochSeconds(r.series.timestamps[i]));
    v.push_back(r.series.values[i]);
  }
  return {{"t", std::move(t)}, {"v", std::move(v)}};
}

double SumOf(const telemetry::QueryResult& r) {
  double sum = 0;
  for (double v : r.series.values) sum += v;
  return sum;
}

// The largest value, or null when there is none.
boost::json::value MaxOf(const telemetry::QueryResult& r) {
  if (r.series.values.empty()) return nullptr;
  return *std::max_element(r.series.values.begin(), r.series.values.end());
}

boost::json::value LastOf(const telemetry::QueryResult& r) {
  if (r.series.values.empty()) return nullptr;
  return r.series.values.back();
}

struct FunctionRow {
  std::string name;
  std::optional<std::int32_t> reserved;
  std::int32_t provisioned = 0;
};

struct ProvisionedRow {
  std::string function;
  engine::ProvisionedConfigView config;
};

// Which account the query names: ?account=&region= (region defaults to the default Region),
// else the default account if it exists, else the first account, else the default account.
// nullopt when the query names an account the server does not have.
std::optional<std::pair<std::string, std::string>> ChooseAccount(
    const std::vector<std::pair<std::string, std::string>>& accounts, std::string_view query,
    const DashboardContext& ctx) {
  const std::optional<std::string> account = Param(query, "account");
  const std::optional<std::string> region = Param(query, "region");
  if (account && !account->empty()) {
    std::pair<std::string, std::string> wanted{*account, region && !region->empty() ? *region : ctx.default_region};
    if (std::find(accounts.begin(), accounts.end(), wanted) == accounts.end()) return std::nullopt;
    return wanted;
  }
  const std::pair<std::string, std::string> fallback{ctx.default_account, ctx.default_region};
  if (accounts.empty() || std::find(accounts.begin(), accounts.end(), fallback) != accounts.end()) return fallback;
  return accounts.front();
}

}  // namespace

std::optional<net::Response> Dashboard::ServeAsset(const net::Request& request) const {
  if (request.Method() != "GET" && request.Method() != "HEAD") return std::nullopt;
  const std::string_view target = request.Target();
  const std::string_view path = target.substr(0, target.find('?'));
  std::string_view name;
  if (path == kPagePath || (path.size() == kPagePath.size() + 1 && path.substr(0, kPagePath.size()) == kPagePath &&
                             path.back() == '/')) {
    name = "index.html";
  } else if (target == "/" && request.Header("Accept").find("text/html") != std::string_view::npos) {
    // Only a bare "/": a query there may be an AWS query-protocol call.
    name = "index.html";
  } else if (path.substr(0, kAssetPrefix.size()) == kAssetPrefix) {
    name = path.substr(kAssetPrefix.size());
  } else {
    return std::nullopt;
  }
  if (const DashboardAsset* asset = FindAsset(name)) return AssetReply(200, ContentTypeOf(name), asset->bytes);
  if (name == "index.html") return AssetReply(200, ContentTypeOf(name), kNotBuiltPage);
  return AssetReply(404, "text/plain; charset=utf-8", "no such dashboard asset\n");
}

net::Response Dashboard::HandleApi(std::string_view method, std::string_view path, std::string_view query,
                                   std::string_view body) {
  if (path == "/_headroom/dashboard/data" && method == "GET") return Data(query);
  if (path == "/_headroom/dashboard/quota" && method == "POST") return RequestQuota(query, body);
  return Message(404, "no such dashboard endpoint");
}

net::Response Dashboard::Data(std::string_view query) {
  std::int64_t window = 900;
  if (std::optional<std::string> w = Param(query, "window")) {
    window = std::atoll(w->c_str());
  }
  const std::optional<Duration> period = PeriodFor(window);
  if (!period) return Message(400, "window must be 900, 3600 or 86400 (seconds)");

  std::vector<std::pair<std::string, std::string>> accounts;
  ctx_.registry.ForEach([&](engine::Account& a) { accounts.emplace_back(a.account_id(), a.region()); });
  std::sort(accounts.begin(), accounts.end());
  const auto chosen = ChooseAccount(accounts, query, ctx_);
  if (!chosen) return Message(404, "no such account and Region on this server");
  const auto& [account, region] = *chosen;

  // The engine's view, in one critical section.
  const Timestamp now = ctx_.clock.Now();
  engine::PoolView pool;
  std::vector<FunctionRow> functions;
  std::vector<ProvisionedRow> provisioned;
  ctx_.registry.With(account, region, [&](engine::Account& a) {
    pool = a.Pool();
    for (const engine::FunctionConfigView& f : a.ListFunctions(false)) {
      auto view = a.GetFunction(f.function_name);
      if (!view.ok()) continue;
      functions.push_back({view->name, view->reserved, view->provisioned_total});
      if (auto configs = a.ListProvisionedConcurrencyConfigs(f.function_name); configs.ok()) {
        for (engine::ProvisionedConfigView& c : *configs) provisioned.push_back({view->name, std::move(c)});
      }
    }
  });

  // The metrics, as GetMetricData computes them: the trend and window totals over
  // [start, end) at `period`, start rounded down to the minute as GetMetricData rounds it;
  // per function and provisioned config over the window; the current level from the
  // 1-second data of the last minute.
  const Timestamp end = now + Duration::Seconds(1);
  const std::int64_t from_seconds = (now - Duration::Seconds(window)).unix_seconds();
  const Timestamp start = Timestamp::FromUnixSeconds(from_seconds - from_seconds % 60);
  const Duration whole = Duration::Seconds(window);
  std::vector<MetricQuery> queries = {
      Stat("claimed", telemetry::lambda_metric::kClaimedAccountConcurrency, {}, "Maximum", *period),
      Stat("concurrent", telemetry::lambda_metric::kConcurrentExecutions, {}, "Maximum", *period),
      Expression("utilisation", "claimed / SERVICE_QUOTA(concurrent) * 100"),
      Stat("invocations", telemetry::lambda_metric::kInvocations, {}, "Sum", *period),
      Stat("errors", telemetry::lambda_metric::kErrors, {}, "Sum", *period),
      Stat("throttles", telemetry::lambda_metric::kThrottles, {}, "Sum", *period),
  };
  // Each function's four queries from first_function on, each config's three from first_config.
  const std::size_t first_function = queries.size();
  for (std::size_t i = 0; i < functions.size(); ++i) {
    const std::vector<Dimension> fn{{telemetry::lambda_dimension::kFunctionName, functions[i].name}};
    std::string id = "f";
    id.append(std::to_string(i));
    queries.push_back(Stat(id + "_peak", telemetry::lambda_metric::kConcurrentExecutions, fn, "Maximum", whole));
    queries.push_back(Stat(id + "_invocations", telemetry::lambda_metric::kInvocations, fn, "Sum", whole));
    queries.push_back(Stat(id + "_errors", telemetry::lambda_metric::kErrors, fn, "Sum", whole));
    queries.push_back(Stat(id + "_throttles", telemetry::lambda_metric::kThrottles, fn, "Sum", whole));
  }
  const std::size_t first_config = queries.size();
  for (std::size_t i = 0; i < provisioned.size(); ++i) {
    std::string resource_name = provisioned[i].function;
    resource_name.append(":").append(provisioned[i].config.qualifier);
    const std::vector<Dimension> resource{{telemetry::lambda_dimension::kFunctionName, provisioned[i].function}, {telemetry::lambda_dimension::kResource, resource_name}};
    std::string id = "p";
    id.append(std::to_string(i));
    queries.push_back(Stat(id + "_utilisation", telemetry::lambda_metric::kProvisionedConcurrencyUtilization, resource, "Maximum", whole));
    queries.push_back(Stat(id + "_invocations", telemetry::lambda_metric::kProvisionedConcurrencyInvocations, resource, "Sum", whole));
    queries.push_back(Stat(id + "_spillover", telemetry::lambda_metric::kProvisionedConcurrencySpilloverInvocations, resource, "Sum", whole));
  }
  const std::vector<MetricQuery> current_queries = {
      Stat("claimed", telemetry::lambda_metric::kClaimedAccountConcurrency, {}, "Maximum", Duration::Seconds(1)),
      Stat("unreserved", telemetry::lambda_metric::kUnreservedConcurrentExecutions, {}, "Maximum", Duration::Seconds(1)),
      Stat("concurrent", telemetry::lambda_metric::kConcurrentExecutions, {}, "Maximum", Duration::Seconds(1)),
      Expression("quota", "SERVICE_QUOTA(concurrent)"),
  };
  const MetricScope scope = ScopeOf(ctx_.registry, account, region);
  auto results = RunMetricQueries(ctx_.telemetry, scope, queries, start, end);
  auto current = RunMetricQueries(ctx_.telemetry, scope, current_queries, end - Duration::Minutes(1), end);
  if (!results.ok() || !current.ok()) return Message(500, "the metric queries failed");
  const std::vector<telemetry::QueryResult>& r = *results;
  const std::vector<telemetry::QueryResult>& c = *current;

  boost::json::array function_rows;
  for (std::size_t i = 0; i < functions.size(); ++i) {
    const std::size_t at = first_function + 4 * i;
    const boost::json::value peak = MaxOf(r[at]);
    function_rows.push_back(boost::json::object{
        {"name", functions[i].name},
        {"reserved", functions[i].reserved ? boost::json::value(*functions[i].reserved) : boost::json::value(nullptr)},
        {"provisioned", functions[i].provisioned},
        {"peak", peak.is_null() ? 0.0 : peak.to_number<double>()},
        {"invocations", SumOf(r[at + 1])},
        {"errors", SumOf(r[at + 2])},
        {"throttles", SumOf(r[at + 3])}});
  }
  boost::json::array provisioned_rows;
  for (std::size_t i = 0; i < provisioned.size(); ++i) {
    const std::size_t at = first_config + 3 * i;
    const engine::ProvisionedConfigView& pc = provisioned[i].config;
    provisioned_rows.push_back(boost::json::object{
        {"function", provisioned[i].function},
        {"qualifier", pc.qualifier},
        {"version", std::to_string(pc.version)},
        {"status", ProvisionedStatusName(pc.status)},
        {"requested", pc.requested},
        {"allocated", pc.allocated},
        {"available", pc.available},
        {"utilisation", MaxOf(r[at])},
        {"invocations", SumOf(r[at + 1])},
        {"spillover", SumOf(r[at + 2])}});
  }

  boost::json::array alarms;
  ctx_.alarms.With(account, region, [&](AlarmTable& table) {
    for (const auto& [name, alarm] : table) {
      alarms.push_back(boost::json::object{{"name", name},
                                           {"state", telemetry::AlarmStateName(alarm.state)},
                                           {"reason", alarm.reason},
                                           {"updated", EpochSeconds(alarm.state_updated)}});
    }
  });

  // The requests for the concurrency quota, as ListRequestedServiceQuotaChangeHistoryByQuota answers.
  boost::json::value requests = boost::json::array();
  const net::Response listed = ctx_.quotas.Serve(
      RpcProtocol::kJson, "ListRequestedServiceQuotaChangeHistoryByQuota",
      R"({"ServiceCode":"lambda","QuotaCode":"L-B99A9384","MaxResults":100})", account, region, now, NewRequestId());
  if (listed.status == 200) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(listed.body, ec);
    if (!ec && v.is_object()) {
      if (const boost::json::value* list = v.get_object().if_contains("RequestedQuotas")) requests = *list;
    }
  }

  boost::json::array account_list;
  for (const auto& [a, reg] : accounts) account_list.push_back(boost::json::object{{"account", a}, {"region", reg}});

  boost::json::object out{
      {"now", EpochSeconds(now)},
      {"account", account},
      {"region", region},
      {"accounts", std::move(account_list)},
      {"window", window},
      {"period", period->nanos() / 1'000'000'000},
      {"start", EpochSeconds(start)},
      {"end", EpochSeconds(end)},
      {"settings", boost::json::object{{"limit", pool.limit},
                                       {"unreserved", pool.unreserved},
                                       {"unreserved_minimum", pool.unreserved_minimum},
                                       {"allocated", pool.allocated},
                                       {"function_count", pool.function_count}}},
      {"current", boost::json::object{{"claimed", LastOf(c[0])},
                                      {"unreserved_busy", LastOf(c[1])},
                                      {"concurrent", LastOf(c[2])},
                                      {"quota", LastOf(c[3])}}},
      {"trend", boost::json::object{{"claimed", SeriesJson(r[0])},
                                    {"concurrent", SeriesJson(r[1])},
                                    {"utilisation", SeriesJson(r[2])},
                                    {"invocations", SeriesJson(r[3])},
                                    {"errors", SeriesJson(r[4])},
                                    {"throttles", SeriesJson(r[5])}}},
      {"totals", boost::json::object{{"invocations", SumOf(r[3])}, {"errors", SumOf(r[4])}, {"throttles", SumOf(r[5])}}},
      {"functions", std::move(function_rows)},
      {"provisioned", std::move(provisioned_rows)},
      {"alarms", std::move(alarms)},
      {"quota", boost::json::object{{"code", kConcurrencyQuota}, {"value", pool.limit}}},
      {"requests", std::move(requests)}};
  return JsonReply(200, boost::json::serialize(out));
}

net::Response Dashboard::RequestQuota(std::string_view query, std::string_view body) {
  std::vector<std::pair<std::string, std::string>> accounts;
  ctx_.registry.ForEach([&](engine::Account& a) { accounts.emplace_back(a.account_id(), a.region()); });
  const auto chosen = ChooseAccount(accounts, query, ctx_);
  if (!chosen) return Message(404, "no such account and Region on this server");
  return ctx_.quotas.Serve(RpcProtocol::kJson, "RequestServiceQuotaIncrease", body, chosen->first, chosen->second,
                           ctx_.clock.Now(), NewRequestId());
}

}  // namespace hr::server
