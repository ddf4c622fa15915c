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
  static constexpr std::array<std::pair<std::string_view, LambdaHandler>, 19> kHandlers{{
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
  }};
  for (const auto& [n, handler] : kHandlers) {
    if (n == name) return handler;
  }
  return nullptr;
}

net::Response JsonReply(unsigned status, std::string body) {
  net::Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = std::move(body);
  return r;
}

net::Response EmptyReply(unsigned status) {
  net::Response r;
  r.status = status;
  return r;
}

net::Response ErrorReply(const Status& status) { return FromWireError(wire::RenderLambdaError(status)); }

LambdaService::LambdaService(LambdaContext context)
    : context_(context), router_(wire::LambdaModel()) {}

net::Response LambdaService::Handle(std::string_view method, std::string_view target,
                                    std::string_view body, std::string_view account,
                                    std::string_view region, std::optional<Timestamp> replay_at) {
  wire::RouteMatch route;
  const wire::RouteStatus routed = router_.Route(method, target, &route);
  if (routed != wire::RouteStatus::kOk) return FromWireError(wire::RenderLambdaRouteFailure(routed));
  const wire::Operation& op = *route.operation();
  const LambdaHandler handler = FindLambdaHandler(op.name);
  if (!handler) return FromWireError(wire::RenderLambdaRouteFailure(wire::RouteStatus::kNoRoute));

  boost::json::value json;
  if (!body.empty()) {
    boost::system::error_code ec;
    json = boost::json::parse(body, ec);
    if (ec || !json.is_object()) {
      return ErrorReply(Status(ErrorCode::kInvalidRequestContent,
                               "Could not parse request body into json: " +
                                   (ec ? ec.message() : std::string("not a JSON object"))));
    }
  }
  wire::RequestView view;
  view.labels = route.labels();
  view.query = route.query();
  view.body = body.empty() ? nullptr : &json;
  if (auto failure = wire::ValidateInput(wire::LambdaModel(), op, view)) {
    const ErrorCode code = failure->kind == wire::ValidationFailure::Kind::kConstraintViolation
                               ? ErrorCode::kValidation
                               : ErrorCode::kInvalidRequestContent;
    return ErrorReply(Status(code, std::move(failure->message)));
  }
  if (method == "GET" || method == "HEAD") {
    LambdaCall call{account, region, route, body.empty() ? nullptr : &json.get_object(),
                    context_.registry.clock().Now()};
    return handler(context_, call);
  }
  std::lock_guard<std::mutex> lock(context_.write_mutex);
  const Timestamp now = replay_at.value_or(context_.registry.clock().Now());
  LambdaCall call{account, region, route, body.empty() ? nullptr : &json.get_object(), now};
  net::Response response = handler(context_, call);
  if (response.status < 300 && context_.journal && !replay_at) {
    Status saved = context_.journal->Append(JournalEntry{std::string(account), std::string(region),
                                                         std::string(method), std::string(target),
                                                         std::string(body), now});
    if (!saved.ok()) return ErrorReply(saved);
  }
  return response;
}

}  // namespace hr::server
