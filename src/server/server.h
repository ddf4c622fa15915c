#pragma once
// Server: `headroom serve`. It owns the clock, the engine (through the AccountRegistry), the
// scheduler and the HTTP server, and sends each request to its service:
//   /_headroom/code/ the deployment packages GetFunction's Code.Location points at;
//   /_headroom/dashboard, its assets, and / for a browser: the dashboard (server/dashboard.h);
//   /_headroom/...   the admin endpoints (health, clock, state), behind the admin token;
//   GET /metrics     Prometheus text (server/prometheus.h);
//   POST / with X-Amz-Target GraniteServiceVersion20100801.*, or a query-protocol form of
//                    Version 2010-08-01: CloudWatch; a form of Version 2010-03-31: SNS;
//   POST / with X-Amz-Target ServiceQuotasV20190624.*: Service Quotas;
//   anything else    the Lambda rest-json API.
// The AWS APIs act as the caller server/identity.h identifies by its SigV4 credential (and,
// with --auth strict, only for a request whose signature verifies); a refusal is rendered in
// the protocol of the API addressed.
// Every response carries x-amzn-RequestId.
//
// Construct, Start and Stop from one thread (app/). Handlers run on the I/O threads.

#include <memory>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "net/http_server.h"
#include "net/io_pool.h"
#include "server/account_registry.h"
#include "server/alarm_evaluator.h"
#include "server/alarm_registry.h"
#include "server/cloudwatch_service.h"
#include "server/dashboard.h"
#include "server/rpc_service.h"
#include "server/sns_service.h"
#include "server/telemetry.h"
#include "server/code_store.h"
#include "server/clocks.h"
#include "server/credentials.h"
#include "server/identity.h"
#include "server/journal.h"
#include "server/lambda_service.h"
#include "server/scheduler.h"
#include "server/service_quotas.h"
#include "server/settings.h"
#include "store/state_store.h"

namespace hr::server {

class Server {
 public:
  // Opens (or creates) the state in settings.data_dir and replays it into the engine.
  // Errors: kInvalidParameter (bad clock setting), kInternal (the data directory or store).
  static StatusOr<std::unique_ptr<Server>> Create(ServerSettings settings);
  ~Server();

  // Binds and starts serving. Errors: kInternal with the bind failure.
  Status Start();
  std::uint16_t port() const { return http_->port(); }
  // Graceful: in-flight requests finish (up to a few seconds).
  void Stop();

 private:
  Server(ServerSettings settings, CredentialStore credentials, std::unique_ptr<Clock> clock,
         std::unique_ptr<store::StateStore> store, std::unique_ptr<Journal> journal);
  // Rebuilds the engine from the journal.
  Status Restore();
  void Handle(net::Request&& request, net::Responder responder);
  net::Response HandleAdmin(const net::Request& request);
  net::Response ServeCode(std::string_view name) const;
  // Once a second of the server's clock: reclaims idle environments past their keep-alive,
  // samples every account's gauges; once a minute trims the metric store.
  void ScheduleHousekeeping();
  // The RPC service (CloudWatch, SNS) a POST / is for, and its protocol; null when none.
  RpcService* RpcServiceFor(const net::Request& request, RpcProtocol& protocol, std::string& operation);

  const ServerSettings settings_;
  const CredentialStore credentials_;
  const RealClock wall_clock_;  // what SigV4's clock-skew check compares with, whatever clock_ is
  const Authenticator authenticator_;
  const std::unique_ptr<Clock> clock_;
  const Timestamp started_;
  AccountRegistry registry_;
  const std::unique_ptr<store::StateStore> store_;
  const std::unique_ptr<Journal> journal_;
  std::mutex write_mutex_;  // see LambdaContext
  CodeStore code_;
  Telemetry telemetry_;
  LambdaService lambda_;
  // The I/O threads of the API (http_) and of every environment's Runtime API endpoint
  // (execution_); stopped last by Stop().
  const std::shared_ptr<net::IoPool> io_pool_;
  // Declared after lambda_ so that it stops (joining its thread) before the context its
  // tasks use goes away.
  Scheduler scheduler_;
  // The engine's EventSink for environments; its environments stop before the scheduler.
  Execution execution_;
  AsyncQueue async_;
  AlarmRegistry alarms_;
  SnsService sns_;
  AlarmEvaluator evaluator_;
  CloudWatchContext cloudwatch_context_;
  RpcService cloudwatch_;
  RpcService sns_rpc_;
  ServiceQuotas quotas_;
  RpcService quotas_rpc_;
  Dashboard dashboard_;
  std::int64_t housekeeping_ticks_ = 0;
  std::unique_ptr<net::HttpServer> http_;
};

}  // namespace hr::server
