#pragma once
// Dashboard: the web page at /_headroom/dashboard (and at / for a browser), and the JSON it
// polls. The page's assets (web/) are embedded in the binary (server/dashboard_assets.h) and
// served without the admin token (they hold no data); its endpoints sit behind the token like
// every /_headroom/ endpoint (Server::HandleAdmin checks it, then calls HandleApi):
//   GET  /_headroom/dashboard/data?account=&region=&window=900|3600|86400
//        one account's view, from the engine (pool, functions, RC and PC configs), the metric
//        store that GetMetricData reads (through the same RunMetricQueries, so the numbers
//        are GetMetricData's), the alarm registry and Service Quotas' requests;
//   POST /_headroom/dashboard/quota?account=&region=
//        RequestServiceQuotaIncrease's JSON input, handed to the Service Quotas service as
//        the API call would be (validated, journaled), its reply passed back unchanged.
//
// Thread-safe: everything it reads is locked by its owner; handlers run on the I/O threads.

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "net/request.h"
#include "net/response.h"
#include "server/account_registry.h"
#include "server/alarm_registry.h"
#include "server/rpc_service.h"
#include "server/telemetry.h"

namespace hr::server {

struct DashboardContext {
  AccountRegistry& registry;
  Telemetry& telemetry;
  AlarmRegistry& alarms;
  RpcService& quotas;  // Service Quotas, as the API serves it
  const Clock& clock;
  std::string default_account;
  std::string default_region;
};

class Dashboard {
 public:
  explicit Dashboard(DashboardContext context) : ctx_(std::move(context)) {}

  // The page or one of its assets when `request` asks for one (GET or HEAD of
  // /_headroom/dashboard, /_headroom/dashboard/assets/<name>, or of a bare / with an Accept
  // that names text/html); nullopt otherwise (the request is someone else's).
  std::optional<net::Response> ServeAsset(const net::Request& request) const;

  // The endpoints under /_headroom/dashboard/ (above). `path` and `query` are the target's
  // two halves. Bad input: 400 with {"message"}; an unknown endpoint or account: 404.
  net::Response HandleApi(std::string_view method, std::string_view path, std::string_view query,
                          std::string_view body);

 private:
  net::Response Data(std::string_view query);
  net::Response RequestQuota(std::string_view query, std::string_view body);

  DashboardContext ctx_;
};

}  // namespace hr::server
