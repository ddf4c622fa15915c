#include "server/server.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "server/admin_state.h"
#include "server/clocks.h"
#include "server/prometheus.h"
#include "base/iso_time.h"
#include "server/request_id.h"
#include "store/sqlite_state_store.h"
#include "wire/json_response.h"

namespace hr::server {
namespace {

constexpr std::string_view kAdminPrefix = "/_headroom/";
constexpr std::string_view kCodePrefix = "/_headroom/code/";
constexpr std::string_view kAdminTokenHeader = "x-headroom-admin-token";

core::Tunables TunablesFrom(const ServerSettings& s) {
  core::Tunables t;
  t.account_concurrency_limit = s.account_limit;
  t.unreserved_minimum = s.unreserved_min;
  return t;
}

net::Response AdminError(unsigned status, std::string_view message) {
  std::string body;
  wire::JsonObjectWriter(&body).String("message", message).Close();
  return JsonReply(status, std::move(body));
}

// AWS's request limits, per API; the max-request-bytes setting caps them all (net::Limits).
// CreateFunction and UpdateFunctionCode take up to 69,905,067 bytes (a 50 MB zip, base64 in
// JSON; "Request must be smaller than 69905067 bytes for the CreateFunction operation"); the
// other Lambda operations fit Lambda's 6 MB payload limit.
constexpr std::uint64_t kMaxCodeRequestBytes = 69'905'067;
constexpr std::uint64_t kMaxRequestBytes = 6 * 1024 * 1024 + 64 * 1024;

// Invoke answers an oversized payload itself, with AWS's message naming its limit, so its
// transport limit sits well above the 6 MB payload limit.
constexpr std::uint64_t kMaxInvokeRequestBytes = 32 * 1024 * 1024;

// CloudWatch, SNS and Service Quotas (POST /): CloudWatch's 1 MB, the largest of the three
// (PutMetricData "is limited to 1 MB in size for HTTP POST requests"; an SNS message is at
// most 256 KB).
constexpr std::uint64_t kMaxRpcRequestBytes = 1024 * 1024;

std::uint64_t BodyLimitFor(std::string_view method, std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  if (method == "POST" && path.size() > 12 && path.substr(path.size() - 12) == "/invocations") {
    return kMaxInvokeRequestBytes;
  }
  if (path == "/") return kMaxRpcRequestBytes;
  const bool create = method == "POST" && (path == "/2015-03-31/functions" ||
                                           path == "/2015-03-31/functions/");
  const bool update_code = method == "PUT" && path.rfind("/2015-03-31/functions/", 0) == 0 &&
                           path.size() > 5 && path.substr(path.size() - 5) == "/code";
  return create || update_code ? kMaxCodeRequestBytes : kMaxRequestBytes;
}

// What the HTTP layer rejects itself (oversize, slow or malformed requests), in Lambda's
// error shape with the status the HTTP layer chose.
net::Response RenderTransportError(unsigned status, std::string_view reason) {
  const ErrorCode code = status == 413  ? ErrorCode::kRequestTooLarge
                         : status >= 500 ? ErrorCode::kInternal
                                         : ErrorCode::kInvalidRequestContent;
  net::Response r = ErrorReply(Status(code, std::string(reason)));
  r.status = status;
  r.headers.push_back({"x-amzn-RequestId", NewRequestId()});
  return r;
}

}  // namespace

StatusOr<std::unique_ptr<Server>> Server::Create(ServerSettings settings) {
  HR_ASSIGN_OR_RETURN(std::unique_ptr<Clock> clock, MakeClock(settings.clock));
  CredentialStore credentials(RandomServerKey());
  if (!settings.credentials.empty()) HR_RETURN_IF_ERROR(credentials.LoadFile(settings.credentials));
  if (settings.strict_auth && settings.credentials.empty()) {
    return Status(ErrorCode::kInvalidParameter, "--auth strict needs --credentials FILE (README, Authentication)");
  }
  std::error_code ec;
  std::filesystem::create_directories(settings.data_dir, ec);
  if (ec) {
    return Status(ErrorCode::kInternal,
                  "cannot create data directory " + settings.data_dir + ": " + ec.message());
  }
  HR_ASSIGN_OR_RETURN(auto sqlite, store::SqliteStateStore::Open(
                                       (std::filesystem::path(settings.data_dir) / "headroom.db").string()));
  std::unique_ptr<store::StateStore> state = std::move(sqlite);
  HR_ASSIGN_OR_RETURN(std::unique_ptr<Journal> journal, Journal::Open(*state));
  std::unique_ptr<Server> server(
      new Server(std::move(settings), std::move(credentials), std::move(clock), std::move(state), std::move(journal)));
  HR_RETURN_IF_ERROR(server->Restore());
  return server;
}

Server::Server(ServerSettings settings, CredentialStore credentials, std::unique_ptr<Clock> clock,
               std::unique_ptr<store::StateStore> store, std::unique_ptr<Journal> journal)
    : settings_(std::move(settings)),
      credentials_(std::move(credentials)),
      authenticator_(settings_, credentials_, wall_clock_),
      clock_(std::move(clock)),
      started_(clock_->Now()),
      registry_(TunablesFrom(settings_), *clock_, &execution_),
      store_(std::move(store)),
      journal_(std::move(journal)),
      code_((std::filesystem::path(settings_.data_dir) / "code").string()),
      telemetry_(telemetry::MetricStoreOptions{settings_.metrics_high_resolution_retention,
                                               settings_.metrics_retention,
                                               static_cast<std::size_t>(settings_.metrics_max_series)},
                 settings_.metrics),
      lambda_(LambdaContext{registry_, code_, execution_, async_, scheduler_, settings_,
                            journal_.get(), write_mutex_, telemetry_}),
      io_pool_(std::make_shared<net::IoPool>(0)),  // a thread per core
      scheduler_(*clock_),
      execution_(*clock_, scheduler_, (std::filesystem::path(settings_.data_dir) / "code").string(),
                 HR_SOURCE_DIR "/runtimes", "/usr/bin/python3", io_pool_,
                 settings_.strict_auth ? &credentials_ : nullptr),
      async_(*store_, scheduler_, *clock_),
      sns_(async_, *clock_),
      evaluator_(alarms_, telemetry_, registry_, async_, sns_, scheduler_, *clock_, journal_.get(), write_mutex_),
      cloudwatch_context_{registry_, telemetry_, alarms_, evaluator_},
      cloudwatch_(wire::CloudWatchModel(), "monitoring", {"application/x-amz-json-1.0", true, "message", "ValidationError"},
                  journal_.get(), write_mutex_, [this] {
                    std::vector<RpcOperation> ops = CloudWatchMetricOperations(cloudwatch_context_);
                    for (RpcOperation& op : CloudWatchAlarmOperations(cloudwatch_context_)) ops.push_back(std::move(op));
                    return ops;
                  }()),
      sns_rpc_(wire::SnsModel(), "sns", {"application/x-amz-json-1.0", false, "message", "ValidationError"}, journal_.get(),
               write_mutex_, sns_.Operations()),
      quotas_(registry_, scheduler_, *clock_, journal_.get(), write_mutex_,
              QuotaPolicy{settings_.quota_approval, settings_.quota_case_delay, settings_.quota_approval_delay,
                          static_cast<double>(settings_.quota_approval_ceiling)}),
      quotas_rpc_(wire::ServiceQuotasModel(), "servicequotas", {"application/x-amz-json-1.1", false, "Message", "ValidationException"},
                  journal_.get(), write_mutex_, quotas_.Operations()),
      dashboard_(DashboardContext{registry_, telemetry_, alarms_, quotas_rpc_, *clock_, settings_.default_account,
                                  settings_.default_region}) {
  async_.Attach(&lambda_.context());
}

Status Server::Restore() {
  return journal_->Replay([&](const JournalEntry& e) -> Status {
    if (e.method == "READY" || e.method == "FAILED") {
      const std::size_t split = e.target.find('\n');
      const std::string function = e.target.substr(0, split);
      const std::string qualifier = split == std::string::npos ? "" : e.target.substr(split + 1);
      registry_.With(e.account, e.region, [&](engine::Account& a) {
        auto config = a.GetProvisionedConcurrencyConfig(function, qualifier);
        if (config.ok()) {
          const bool ready = e.method == "READY";
          (void)a.CompleteProvisioning(config->ticket, ready, ready ? "" : "FUNCTION_ERROR_INIT_FAILURE", e.at);
        }
      });
      return Status::Ok();
    }
    if (e.method == "RPC") {
      for (RpcService* service : {&cloudwatch_, &sns_rpc_, &quotas_rpc_}) {
        if (e.target.rfind(service->tag() + ".", 0) == 0) return service->Replay(e);
      }
      return Status(ErrorCode::kInternal, "journal names an unknown service: " + e.target);
    }
    if (e.method == "ALARM") {
      evaluator_.Replay(e);
      return Status::Ok();
    }
    if (e.method == "QUOTA") {
      quotas_.Replay(e);
      return Status::Ok();
    }
    const net::Response r = lambda_.Handle(LambdaRequest{e.method, e.target, e.body, e.account, e.region, "", nullptr, ""}, &e);
    if (r.status >= 300) {
      return Status(ErrorCode::kInternal, "journal replay of " + e.method + " " + e.target +
                                              " failed with " + std::to_string(r.status) + ": " +
                                              r.body);
    }
    return Status::Ok();
  });
}

Server::~Server() { Stop(); }

Status Server::Start() {
  // Delayed work scheduled by the replay (provisioning, timers) runs from now on, not while
  // Restore() held the store: a task journaling its outcome would wait for the store while the
  // replay waited for the task's write lock.
  scheduler_.Start();
  net::ServerOptions options;
  options.host = settings_.host;
  options.port = settings_.port;
  options.io_pool = io_pool_;
  options.handler = [this](net::Request&& request, net::Responder responder) {
    Handle(std::move(request), std::move(responder));
  };
  options.limits = settings_.http;
  options.body_limit = &BodyLimitFor;
  options.render_error = &RenderTransportError;
  http_ = std::make_unique<net::HttpServer>(std::move(options));
  if (auto ec = http_->Start()) {
    return Status(ErrorCode::kInternal, "cannot listen on " + settings_.host + ":" +
                                            std::to_string(settings_.port) + ": " + ec.message());
  }
  ScheduleHousekeeping();
  evaluator_.Start();
  quotas_.Resume();
  // Functions reach this server on loopback whatever address it listens on.
  const bool wildcard = settings_.host == "0.0.0.0" || settings_.host == "::";
  const std::string host = wildcard ? "127.0.0.1" : settings_.host;
  execution_.SetEndpoint("http://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                         ":" + std::to_string(http_->port()));
  return async_.Restore();  // events accepted before a restart run again
}

void Server::ScheduleHousekeeping() {
  scheduler_.At(clock_->Now() + Duration::Millis(1000), [this] {
    const Timestamp now = clock_->Now();
    std::vector<std::pair<std::uint32_t, telemetry::PoolGauges>> pools;
    registry_.ForEach([&](engine::Account& a) {
      a.ReclaimIdleEnvironments(now);
      pools.push_back({a.index(), PoolGaugesOf(a)});
    });
    telemetry_.Record([&](telemetry::LambdaMetrics& m) {
      for (const auto& [owner, pool] : pools) m.Sample(owner, pool, now);
    });
    if (++housekeeping_ticks_ % 60 == 0) telemetry_.Write([&](telemetry::MetricStore& s) { s.Trim(now); });
    ScheduleHousekeeping();
  });
}

void Server::Stop() {
  if (http_) http_->Stop(std::chrono::seconds(3));
  execution_.StopAll();  // no environment outlives the server
  scheduler_.Stop();     // nothing runs on what the destructor takes apart
  io_pool_->Stop();      // after every server on it (the scheduler's dropped tasks may hold environments)
}

void Server::Handle(net::Request&& request, net::Responder responder) {
  net::Response response;
  const std::string request_id = NewRequestId();
  const std::string_view target = request.Target();
  RpcProtocol protocol = RpcProtocol::kJson;
  std::string operation;
  if (target.substr(0, kCodePrefix.size()) == kCodePrefix) {
    response = ServeCode(target.substr(kCodePrefix.size()));
  } else if (std::optional<net::Response> page = dashboard_.ServeAsset(request)) {
    response = std::move(*page);
  } else if (target.substr(0, kAdminPrefix.size()) == kAdminPrefix) {
    response = HandleAdmin(request);
  } else if (request.Method() == "GET" && (target == "/metrics" || target.rfind("/metrics?", 0) == 0)) {
    response.status = 200;
    response.headers.push_back({"Content-Type", "text/plain; version=0.0.4; charset=utf-8"});
    response.body = PrometheusText(registry_, telemetry_);
  } else if (RpcService* service = RpcServiceFor(request, protocol, operation)) {
    const std::variant<Caller, wire::AuthFailure> identity = authenticator_.Identify(request, service->tag());
    if (const auto* caller = std::get_if<Caller>(&identity)) {
      response = service->Serve(protocol, operation, request.Body(), caller->account, caller->region, clock_->Now(),
                                request_id);
    } else {
      response = service->Refuse(protocol, std::get<wire::AuthFailure>(identity), request_id);
    }
  } else {
    const std::variant<Caller, wire::AuthFailure> identity = authenticator_.Identify(request, "lambda");
    if (const auto* caller = std::get_if<Caller>(&identity)) {
      const std::string endpoint = "http://" + std::string(request.Header("Host"));
      lambda_.Serve(LambdaRequest{request.Method(), target, request.Body(), caller->account, caller->region, endpoint,
                                  &request, request_id},
                    std::move(responder));
      return;
    }
    response = LambdaAuthError(std::get<wire::AuthFailure>(identity));
  }
  response.headers.push_back({"x-amzn-RequestId", request_id});
  responder.Send(std::move(response));
}

RpcService* Server::RpcServiceFor(const net::Request& request, RpcProtocol& protocol, std::string& operation) {
  if (request.Method() != "POST") return nullptr;
  const std::string_view target = request.Target();
  if (target != "/" && target.rfind("/?", 0) != 0) return nullptr;
  const std::string_view amz_target = request.Header("X-Amz-Target");
  if (!amz_target.empty()) {
    const std::size_t dot = amz_target.find('.');
    if (dot == std::string_view::npos) return nullptr;
    if (amz_target.substr(0, dot) == wire::CloudWatchModel().target_prefix) {
      protocol = RpcProtocol::kJson;
      operation = std::string(amz_target.substr(dot + 1));
      return &cloudwatch_;
    }
    if (amz_target.substr(0, dot) == wire::ServiceQuotasModel().target_prefix) {
      protocol = RpcProtocol::kJson;
      operation = std::string(amz_target.substr(dot + 1));
      return &quotas_rpc_;
    }
    return nullptr;
  }
  // The query protocol: the form's Version names the service.
  const std::string_view body = request.Body();
  protocol = RpcProtocol::kQuery;
  for (std::size_t at = 0; at < body.size();) {
    const std::size_t end = std::min(body.find('&', at), body.size());
    const std::string_view pair = body.substr(at, end - at);
    if (pair == "Version=2010-08-01") return &cloudwatch_;
    if (pair == "Version=2010-03-31") return &sns_rpc_;
    at = end + 1;
  }
  return nullptr;
}

// GetFunction's Code.Location. Like a presigned URL it needs no credentials: the key is the
// zip's SHA-256, so only someone who was told the location can name it.
net::Response Server::ServeCode(std::string_view name) const {
  std::string_view key = name.substr(0, name.find('?'));
  if (key.size() > 4 && key.substr(key.size() - 4) == ".zip") key.remove_suffix(4);
  std::optional<std::string> zip = code_.Read(key);
  if (!zip) return AdminError(404, "no such code package");
  net::Response r;
  r.status = 200;
  r.headers.push_back({"Content-Type", "application/zip"});
  r.body = std::move(*zip);
  return r;
}

net::Response Server::HandleAdmin(const net::Request& request) {
  if (!settings_.admin_token.empty() && request.Header(kAdminTokenHeader) != settings_.admin_token) {
    return AdminError(403, "this endpoint needs the admin token (header x-headroom-admin-token)");
  }
  std::string_view path = request.Target();
  std::string_view query;
  if (auto q = path.find('?'); q != std::string_view::npos) {
    query = path.substr(q + 1);
    path = path.substr(0, q);
  }
  const std::string_view method = request.Method();
  const Timestamp now = clock_->Now();

  if (path == "/_headroom/health" && method == "GET") {
    std::string body;
    wire::JsonObjectWriter(&body)
        .String("version", HR_VERSION)
        .Int("uptime_seconds", (now - started_).nanos() / 1'000'000'000)
        .Bool("ready", true)
        .Close();
    return JsonReply(200, std::move(body));
  }
  if (path == "/_headroom/clock/advance" && method == "POST") {
    auto* stepped = dynamic_cast<SteppedClock*>(clock_.get());
    if (!stepped) return AdminError(400, "the clock only advances by hand with --clock manual");
    double seconds = -1;
    if (query.substr(0, 8) == "seconds=") {
      const std::string text(query.substr(8));
      char* end = nullptr;
      seconds = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size()) seconds = -1;
    }
    // At most ten years a step, so that no advance overflows the clock's int64 nanoseconds.
    if (!(seconds >= 0 && seconds <= 315'360'000)) {
      return AdminError(400, "expected ?seconds=N with 0 <= N <= 315360000 (ten years)");
    }
    stepped->Advance(Duration::Nanos(static_cast<std::int64_t>(seconds * 1e9)));
    std::string body;
    wire::JsonObjectWriter(&body).String("now", FormatLambdaTimestamp(stepped->Now())).Close();
    return JsonReply(200, std::move(body));
  }
  if (path.rfind("/_headroom/dashboard/", 0) == 0) return dashboard_.HandleApi(method, path, query, request.Body());
  if (path == "/_headroom/sns/messages" && method == "GET") return JsonReply(200, sns_.MessageLog());
  if (path == "/_headroom/quota/requests" && method == "GET") return JsonReply(200, quotas_.RequestsJson());
  constexpr std::string_view kQuotaPrefix = "/_headroom/quota/requests/";
  if (path.substr(0, kQuotaPrefix.size()) == kQuotaPrefix && method == "POST") {
    // /_headroom/quota/requests/<id>/approve | deny | close
    const std::string_view rest = path.substr(kQuotaPrefix.size());
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return AdminError(404, "expected /_headroom/quota/requests/ID/approve|deny|close");
    const Status s = quotas_.Decide(std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1)));
    if (!s.ok()) return AdminError(s.code() == ErrorCode::kNotFound ? 404 : 400, s.message());
    return JsonReply(200, quotas_.RequestsJson());
  }
  if (path == "/_headroom/state" && method == "GET") {
    std::string accounts = "[";
    bool first = true;
    registry_.ForEach([&](engine::Account& a) {
      const engine::PoolView p = a.Pool();
      if (!first) accounts += ',';
      first = false;
      wire::JsonObjectWriter(&accounts)
          .String("account", a.account_id())
          .String("region", a.region())
          .Int("limit", p.limit)
          .Int("unreserved_minimum", p.unreserved_minimum)
          .Int("allocated", p.allocated)
          .Int("unreserved", p.unreserved)
          .Int("unreserved_busy", p.unreserved_busy)
          .Int("claimed", p.claimed)
          .Int("function_count", p.function_count)
          .Raw("functions", AccountFunctionsJson(a))
          .Close();
    });
    accounts += ']';
    std::string body;
    wire::JsonObjectWriter(&body).String("now", FormatLambdaTimestamp(now)).Raw("accounts", accounts).Close();
    return JsonReply(200, std::move(body));
  }
  return AdminError(404, "no such admin endpoint");
}

}  // namespace hr::server
