// Asynchronous-invocation settings: Put/Update/Get/Delete/ListFunctionEventInvokeConfig(s)
// (spec §1.2). LastModified is epoch seconds (shape Date), unlike the rest of Lambda;
// DestinationConfig is always present, unset fields are omitted (AWS-recorded).

#include <string>

#include "server/lambda_service.h"
#include "wire/json_response.h"

namespace hr::server {
namespace {

// A destination member of DestinationConfig: nullopt when absent, "" without an ARN.
std::optional<std::string> Destination(const boost::json::object* config, std::string_view key) {
  if (!config) return std::nullopt;
  const auto* member = config->if_contains(key);
  if (!member || !member->is_object()) return std::nullopt;
  return OptionalString(&member->get_object(), "Destination").value_or("");
}

engine::EventInvokeChange ChangeOf(const LambdaCall& call) {
  engine::EventInvokeChange change;
  change.maximum_retry_attempts = OptionalInt(call.body, "MaximumRetryAttempts");
  change.maximum_event_age_seconds = OptionalInt(call.body, "MaximumEventAgeInSeconds");
  const boost::json::object* destinations = nullptr;
  if (call.body) {
    if (const auto* d = call.body->if_contains("DestinationConfig"); d && d->is_object()) {
      destinations = &d->get_object();
    }
  }
  change.on_success = Destination(destinations, "OnSuccess");
  change.on_failure = Destination(destinations, "OnFailure");
  return change;
}

std::string DestinationJson(const std::string& arn) {
  std::string out;
  wire::JsonObjectWriter w(&out);
  if (!arn.empty()) w.String("Destination", arn);
  w.Close();
  return out;
}

void WriteConfig(std::string* out, const engine::EventInvokeConfigView& v) {
  const engine::EventInvokeConfig& c = v.config;
  std::string destinations;
  wire::JsonObjectWriter(&destinations)
      .Raw("OnSuccess", DestinationJson(c.on_success))
      .Raw("OnFailure", DestinationJson(c.on_failure))
      .Close();
  wire::JsonObjectWriter w(out);
  w.Double("LastModified", static_cast<double>(c.last_modified.unix_millis()) / 1000.0)
      .String("FunctionArn", v.function_arn);
  if (c.maximum_retry_attempts) w.Int("MaximumRetryAttempts", *c.maximum_retry_attempts);
  if (c.maximum_event_age_seconds) w.Int("MaximumEventAgeInSeconds", *c.maximum_event_age_seconds);
  w.Raw("DestinationConfig", destinations).Close();
}

net::Response ConfigReply(const StatusOr<engine::EventInvokeConfigView>& view) {
  if (!view.ok()) return ErrorReply(view.status());
  std::string out;
  WriteConfig(&out, *view);
  return JsonReply(200, std::move(out));
}

}  // namespace

net::Response PutFunctionEventInvokeConfig(LambdaContext& ctx, const LambdaCall& call) {
  const engine::EventInvokeChange change = ChangeOf(call);
  return ConfigReply(ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.PutFunctionEventInvokeConfig(call.Label("FunctionName"),
                                          call.route.QueryValue("Qualifier"), change, call.now);
  }));
}

net::Response UpdateFunctionEventInvokeConfig(LambdaContext& ctx, const LambdaCall& call) {
  const engine::EventInvokeChange change = ChangeOf(call);
  return ConfigReply(ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.UpdateFunctionEventInvokeConfig(call.Label("FunctionName"),
                                             call.route.QueryValue("Qualifier"), change, call.now);
  }));
}

net::Response GetFunctionEventInvokeConfig(LambdaContext& ctx, const LambdaCall& call) {
  return ConfigReply(ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.GetFunctionEventInvokeConfig(call.Label("FunctionName"),
                                          call.route.QueryValue("Qualifier"));
  }));
}

net::Response DeleteFunctionEventInvokeConfig(LambdaContext& ctx, const LambdaCall& call) {
  Status s = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.DeleteFunctionEventInvokeConfig(call.Label("FunctionName"),
                                             call.route.QueryValue("Qualifier"), call.now);
  });
  if (!s.ok()) return ErrorReply(s);
  return EmptyReply(204);
}

net::Response ListFunctionEventInvokeConfigs(LambdaContext& ctx, const LambdaCall& call) {
  auto views = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.ListFunctionEventInvokeConfigs(call.Label("FunctionName"));
  });
  if (!views.ok()) return ErrorReply(views.status());
  return PagedReply(call, "FunctionEventInvokeConfigs", *views, WriteConfig);
}

}  // namespace hr::server
