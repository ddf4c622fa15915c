#include "server/server.h"

#include <chrono>
#include <filesystem>

#include "server/clocks.h"
#include "server/identity.h"
#include "server/iso_time.h"
#include "server/request_id.h"
#include "store/sqlite_state_store.h"
#include "wire/json_response.h"

namespace hr::server {
namespace {

constexpr std::string_view kAdminPrefix = "/_headroom/";
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

}  // namespace

StatusOr<std::unique_ptr<Server>> Server::Create(ServerSettings settings) {
  HR_ASSIGN_OR_RETURN(std::unique_ptr<Clock> clock, MakeClock(settings.clock));
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
      new Server(std::move(settings), std::move(clock), std::move(state), std::move(journal)));
  HR_RETURN_IF_ERROR(server->Restore());
  return server;
}

Server::Server(ServerSettings settings, std::unique_ptr<Clock> clock,
               std::unique_ptr<store::StateStore> store, std::unique_ptr<Journal> journal)
    : settings_(std::move(settings)),
      clock_(std::move(clock)),
      started_(clock_->Now()),
      registry_(TunablesFrom(settings_), *clock_),
      store_(std::move(store)),
      journal_(std::move(journal)),
      lambda_(LambdaContext{registry_, scheduler_, settings_, journal_.get(), write_mutex_}),
      scheduler_(*clock_) {}

Status Server::Restore() {
  return journal_->Replay([&](const JournalEntry& e) -> Status {
    if (e.method == "READY") {
      const std::size_t split = e.target.find('\n');
      const std::string function = e.target.substr(0, split);
      const std::string qualifier = split == std::string::npos ? "" : e.target.substr(split + 1);
      registry_.With(e.account, e.region, [&](engine::Account& a) {
        auto config = a.GetProvisionedConcurrencyConfig(function, qualifier);
        if (config.ok()) (void)a.CompleteProvisioning(config->ticket, true, "", e.at);
      });
      return Status::Ok();
    }
    const net::Response r = lambda_.Handle(e.method, e.target, e.body, e.account, e.region, &e);
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
  net::ServerOptions options;
  options.host = settings_.host;
  options.port = settings_.port;
  options.handler = [this](net::Request&& request, net::Responder responder) {
    Handle(std::move(request), std::move(responder));
  };
  http_ = std::make_unique<net::HttpServer>(std::move(options));
  if (auto ec = http_->Start()) {
    return Status(ErrorCode::kInternal, "cannot listen on " + settings_.host + ":" +
                                            std::to_string(settings_.port) + ": " + ec.message());
  }
  return Status::Ok();
}

void Server::Stop() {
  if (http_) http_->Stop(std::chrono::seconds(3));
}

void Server::Handle(net::Request&& request, net::Responder responder) {
  net::Response response;
  const std::string_view target = request.Target();
  if (target.substr(0, kAdminPrefix.size()) == kAdminPrefix) {
    response = HandleAdmin(request);
  } else {
    if (std::optional<Caller> caller = IdentifyCaller(request, settings_, &response)) {
      response = lambda_.Handle(request.Method(), target, request.Body(), caller->account,
                                caller->region);
    }
  }
  response.headers.push_back({"x-amzn-RequestId", NewRequestId()});
  responder.Send(std::move(response));
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
    if (!(seconds >= 0)) return AdminError(400, "expected ?seconds=N with N >= 0");
    stepped->Advance(Duration::Nanos(static_cast<std::int64_t>(seconds * 1e9)));
    std::string body;
    wire::JsonObjectWriter(&body).String("now", FormatLambdaTimestamp(stepped->Now())).Close();
    return JsonReply(200, std::move(body));
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
