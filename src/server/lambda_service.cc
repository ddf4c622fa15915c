#include "server/lambda_service.h"

#include <array>
#include <utility>

#include "wire/lambda_errors.h"
#include "wire/service_model.h"
#include "wire/shape_validator.h"

namespace hr::server {

// Defined in the handler files.
net::Response GetAccountSettings(LambdaContext&, const LambdaCall&);
net::Response PutFunctionConcurrency(LambdaContext&, const LambdaCall&);
net::Response GetFunctionConcurrency(LambdaContext&, const LambdaCall&);
net::Response DeleteFunctionConcurrency(LambdaContext&, const LambdaCall&);
net::Response PutProvisionedConcurrencyConfig(LambdaContext&, const LambdaCall&);
net::Response GetProvisionedConcurrencyConfig(LambdaContext&, const LambdaCall&);
net::Response DeleteProvisionedConcurrencyConfig(LambdaContext&, const LambdaCall&);
net::Response ListProvisionedConcurrencyConfigs(LambdaContext&, const LambdaCall&);
net::Response CreateFunction(LambdaContext&, const LambdaCall&);
net::Response GetFunction(LambdaContext&, const LambdaCall&);
net::Response GetFunctionConfiguration(LambdaContext&, const LambdaCall&);
net::Response DeleteFunction(LambdaContext&, const LambdaCall&);
net::Response PublishVersion(LambdaContext&, const LambdaCall&);
net::Response CreateAlias(LambdaContext&, const LambdaCall&);
net::Response DeleteAlias(LambdaContext&, const LambdaCall&);
net::Response UpdateFunctionConfiguration(LambdaContext&, const LambdaCall&);
net::Response UpdateFunctionCode(LambdaContext&, const LambdaCall&);
net::Response ListFunctions(LambdaContext&, const LambdaCall&);
net::Response ListVersionsByFunction(LambdaContext&, const LambdaCall&);
net::Response GetAlias(LambdaContext&, const LambdaCall&);
net::Response UpdateAlias(LambdaContext&, const LambdaCall&);
net::Response ListAliases(LambdaContext&, const LambdaCall&);
net::Response PutFunctionEventInvokeConfig(LambdaContext&, const LambdaCall&);
net::Response UpdateFunctionEventInvokeConfig(LambdaContext&, const LambdaCall&);
net::Response GetFunctionEventInvokeConfig(LambdaContext&, const LambdaCall&);
net::Response DeleteFunctionEventInvokeConfig(LambdaContext&, const LambdaCall&);
net::Response ListFunctionEventInvokeConfigs(LambdaContext&, const LambdaCall&);
net::Response AddPermission(LambdaContext&, const LambdaCall&);
net::Response GetPolicy(LambdaContext&, const LambdaCall&);
net::Response RemovePermission(LambdaContext&, const LambdaCall&);

namespace {

net::Response FromWireError(wire::WireError e) {
  net::Response r;
  r.status = static_cast<unsigned>(e.http_status);
  for (const auto& h : e.headers) r.headers.push_back({std::string(h.name), std::string(h.value)});
  r.body = std::move(e.body);
  return r;
}

}  // namespace

LambdaHandler FindLambdaHandler(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, LambdaHandler>, 30> kHandlers{{
      {"GetAccountSettings", &GetAccountSettings},
      {"PutFunctionConcurrency", &PutFunctionConcurrency},
      {"GetFunctionConcurrency", &GetFunctionConcurrency},
      {"DeleteFunctionConcurrency", &DeleteFunctionConcurrency},
      {"PutProvisionedConcurrencyConfig", &PutProvisionedConcurrencyConfig},
      {"GetProvisionedConcurrencyConfig", &GetProvisionedConcurrencyConfig},
      {"DeleteProvisionedConcurrencyConfig", &DeleteProvisionedConcurrencyConfig},
      {"ListProvisionedConcurrencyConfigs", &ListProvisionedConcurrencyConfigs},
      {"CreateFunction", &CreateFunction},
      {"GetFunction", &GetFunction},
      {"GetFunctionConfiguration", &GetFunctionConfiguration},
      {"DeleteFunction", &DeleteFunction},
      {"PublishVersion", &PublishVersion},
      {"CreateAlias", &CreateAlias},
      {"DeleteAlias", &DeleteAlias},
      {"UpdateFunctionConfiguration", &UpdateFunctionConfiguration},
      {"UpdateFunctionCode", &UpdateFunctionCode},
      {"ListFunctions", &ListFunctions},
      {"ListVersionsByFunction", &ListVersionsByFunction},
      {"GetAlias", &GetAlias},
      {"UpdateAlias", &UpdateAlias},
      {"ListAliases", &ListAliases},
      {"PutFunctionEventInvokeConfig", &PutFunctionEventInvokeConfig},
      {"UpdateFunctionEventInvokeConfig", &UpdateFunctionEventInvokeConfig},
      {"GetFunctionEventInvokeConfig", &GetFunctionEventInvokeConfig},
      {"DeleteFunctionEventInvokeConfig", &DeleteFunctionEventInvokeConfig},
      {"ListFunctionEventInvokeConfigs", &ListFunctionEventInvokeConfigs},
      {"AddPermission", &AddPermission},
      {"GetPolicy", &GetPolicy},
      {"RemovePermission", &RemovePermission},
  }};
  for (const auto& [n, handler] : kHandlers) {
    if (n == name) return handler;
  }
  return nullptr;
}

net::Response JsonReply(unsigned status, std::string body) {
  return net::JsonResponse(status, std::move(body));
}

std::string StringOr(const boost::json::object& o, std::string_view key, std::string_view fallback) {
  return OptionalString(&o, key).value_or(std::string(fallback));
}

std::optional<std::string> OptionalString(const boost::json::object* o, std::string_view key) {
  if (!o) return std::nullopt;
  if (const auto* v = o->if_contains(key); v && v->is_string()) return std::string(v->get_string());
  return std::nullopt;
}

std::optional<std::int32_t> OptionalInt(const boost::json::object* o, std::string_view key) {
  if (!o) return std::nullopt;
  if (const auto* v = o->if_contains(key); v && v->is_number()) return v->to_number<std::int32_t>();
  return std::nullopt;
}

net::Response EmptyReply(unsigned status) {
  net::Response r;
  r.status = status;
  return r;
}

net::Response ErrorReply(const Status& status) { return FromWireError(wire::RenderLambdaError(status)); }

net::Response ThrottleReply(ThrottleReason reason) {
  return FromWireError(wire::RenderLambdaThrottle(reason));
}

LambdaService::LambdaService(LambdaContext context)
    : context_(context), router_(wire::LambdaModel()) {}

namespace {

constexpr std::string_view kInvoke = "Invoke";

// The headers Invoke binds to members (the only operation here with header members).
std::array<wire::RequestParam, 3> InvokeHeaders(const net::Request* http) {
  auto header = [&](std::string_view name) {
    return wire::RequestParam{name, http ? http->Header(name) : std::string_view()};
  };
  return {header("X-Amz-Invocation-Type"), header("X-Amz-Log-Type"),
          header("X-Amz-Client-Context")};
}

}  // namespace

std::optional<net::Response> PrepareLambdaRequest(const wire::RestRouter& router,
                                                  const LambdaRequest& request,
                                                  wire::RouteMatch& route, boost::json::value& json) {
  const wire::RouteStatus routed = router.Route(request.method, request.target, &route);
  if (routed != wire::RouteStatus::kOk) return FromWireError(wire::RenderLambdaRouteFailure(routed));
  const wire::Operation& op = *route.operation();
  const bool invoke = op.name == kInvoke;
  if (!invoke && !FindLambdaHandler(op.name)) {
    return FromWireError(wire::RenderLambdaRouteFailure(wire::RouteStatus::kNoRoute));
  }
  // Invoke's body is the function's payload, not the operation's input.
  if (!invoke && !request.body.empty()) {
    boost::system::error_code ec;
    json = boost::json::parse(request.body, ec);
    if (ec || !json.is_object()) {
      return ErrorReply(Status(ErrorCode::kInvalidRequestContent,
                               "Could not parse request body into json: " +
                                   (ec ? ec.message() : std::string("not a JSON object"))));
    }
  }
  std::array<wire::RequestParam, 3> headers{};
  size_t header_count = 0;
  if (invoke) {
    headers = InvokeHeaders(request.http);
    for (const auto& h : headers) {
      if (!h.value.empty()) headers[header_count++] = h;
    }
  }
  wire::RequestView view;
  view.labels = route.labels();
  view.query = route.query();
  view.headers = std::span<const wire::RequestParam>(headers.data(), header_count);
  view.body = json.is_object() ? &json : nullptr;
  if (auto failure = wire::ValidateInput(wire::LambdaModel(), op, view)) {
    const ErrorCode code = failure->kind == wire::ValidationFailure::Kind::kConstraintViolation
                               ? ErrorCode::kValidation
                               : ErrorCode::kInvalidRequestContent;
    return ErrorReply(Status(code, std::move(failure->message)));
  }
  return std::nullopt;
}

void LambdaService::Serve(const LambdaRequest& request, net::Responder responder) {
  wire::RouteMatch route;
  boost::json::value json;
  const auto send = [&](net::Response response) {
    response.headers.push_back({"x-amzn-RequestId", std::string(request.request_id)});
    responder.Send(std::move(response));
  };
  if (auto error = PrepareLambdaRequest(router_, request, route, json)) {
    send(std::move(*error));
    return;
  }
  if (route.operation()->name == kInvoke) {
    IdSequence none(0);
    LambdaCall call{request.account, request.region, route, nullptr,
                    context_.registry.clock().Now(), &none, request.endpoint, request};
    InvokeFunction(context_, call, std::move(responder));
    return;
  }
  send(Run(request, route, json, nullptr));
}

net::Response LambdaService::Handle(const LambdaRequest& request, const JournalEntry* replay) {
  wire::RouteMatch route;
  boost::json::value json;
  if (auto error = PrepareLambdaRequest(router_, request, route, json)) return std::move(*error);
  if (route.operation()->name == kInvoke) {
    return ErrorReply(Status(ErrorCode::kInternal, "Invoke is not a control-plane operation"));
  }
  return Run(request, route, json, replay);
}

net::Response LambdaService::Run(const LambdaRequest& request, const wire::RouteMatch& route,
                                 const boost::json::value& json, const JournalEntry* replay) {
  const LambdaHandler handler = FindLambdaHandler(route.operation()->name);
  const boost::json::object* object = json.is_object() ? &json.get_object() : nullptr;
  if (request.method == "GET" || request.method == "HEAD") {
    IdSequence none(0);
    LambdaCall call{request.account, request.region, route, object,
                    context_.registry.clock().Now(), &none, request.endpoint, request};
    return handler(context_, call);
  }
  std::lock_guard<std::mutex> lock(context_.write_mutex);
  const Timestamp now = replay ? replay->at : context_.registry.clock().Now();
  IdSequence ids(replay ? replay->seed : IdSequence::RandomSeed());
  LambdaCall call{request.account, request.region, route, object, now, &ids, request.endpoint,
                  request};
  net::Response response = handler(context_, call);
  if (response.status < 300 && context_.journal && !replay) {
    Status saved = context_.journal->Append(JournalEntry{
        std::string(request.account), std::string(request.region), std::string(request.method),
        std::string(request.target), std::string(request.body), now, ids.seed()});
    if (!saved.ok()) return ErrorReply(saved);
  }
  return response;
}

}  // namespace hr::server
