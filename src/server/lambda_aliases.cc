// Aliases: CreateAlias, GetAlias, UpdateAlias, DeleteAlias and ListAliases (spec §1.2), with
// RoutingConfig and RevisionId as AWS records them (TestLambdaAlias). Moving an alias moves
// its provisioned config (engine::Account::UpdateAlias); the new allocation is scheduled to
// become READY like a Put's.

#include <map>
#include <optional>
#include <string>

#include "server/lambda_service.h"
#include "wire/json_response.h"

namespace hr::server {
namespace {

// The request's AliasChange; RevisionId is UpdateAlias's precondition.
engine::AliasChange ChangeOf(const LambdaCall& call) {
  const boost::json::object* body = call.body;
  engine::AliasChange change;
  change.function_version = OptionalString(body, "FunctionVersion");
  change.description = OptionalString(body, "Description");
  change.expected_revision_id = OptionalString(body, "RevisionId").value_or("");
  change.revision_id = call.ids->Next();
  if (!body) return change;
  if (const auto* routing = body->if_contains("RoutingConfig"); routing && routing->is_object()) {
    std::map<std::string, double> weights;
    if (const auto* w = routing->get_object().if_contains("AdditionalVersionWeights");
        w && w->is_object()) {
      for (const auto& [version, weight] : w->get_object()) {
        if (weight.is_number()) weights[std::string(version)] = weight.to_number<double>();
      }
    }
    change.additional_version_weights = std::move(weights);
  }
  return change;
}

void WriteAlias(std::string* out, const engine::AliasView& v) {
  wire::JsonObjectWriter w(out);
  w.String("AliasArn", v.alias_arn)
      .String("Name", v.name)
      .String("FunctionVersion", v.function_version)
      .String("Description", v.description);
  if (v.additional_version) {
    std::string weights, routing;
    wire::JsonObjectWriter(&weights)
        .Double(std::to_string(v.additional_version->first), v.additional_version->second)
        .Close();
    wire::JsonObjectWriter(&routing).Raw("AdditionalVersionWeights", weights).Close();
    w.Raw("RoutingConfig", routing);
  }
  w.String("RevisionId", v.revision_id).Close();
}

net::Response AliasReply(unsigned status, const StatusOr<engine::AliasView>& view) {
  if (!view.ok()) return ErrorReply(view.status());
  std::string out;
  WriteAlias(&out, *view);
  return JsonReply(status, std::move(out));
}

}  // namespace

net::Response CreateAlias(LambdaContext& ctx, const LambdaCall& call) {
  const std::string name(call.body->at("Name").get_string());
  const engine::AliasChange change = ChangeOf(call);
  return AliasReply(201, ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.CreateAlias(call.Label("FunctionName"), name, change, call.now);
  }));
}

net::Response UpdateAlias(LambdaContext& ctx, const LambdaCall& call) {
  const engine::AliasChange change = ChangeOf(call);
  const std::string account(call.account), region(call.region);
  std::optional<engine::ProvisionedConfigView> moved;
  auto view = ctx.registry.With(account, region, [&](engine::Account& a)
                                    -> StatusOr<engine::AliasView> {
    auto before = a.GetProvisionedConcurrencyConfig(call.Label("FunctionName"), call.Label("Name"));
    auto updated = a.UpdateAlias(call.Label("FunctionName"), call.Label("Name"), change, call.now);
    if (!updated.ok() || !before.ok()) return updated;
    auto after = a.GetProvisionedConcurrencyConfig(call.Label("FunctionName"), call.Label("Name"));
    if (after.ok() && after->status == core::ProvisionedStatus::kInProgress &&
        (after->ticket.slot != before->ticket.slot ||
         after->ticket.generation != before->ticket.generation)) {
      moved = *after;
    }
    return updated;
  });
  if (view.ok() && moved) {
    StartProvisioning(ctx, call, *moved, std::string(call.Label("FunctionName")),
                      std::string(call.Label("Name")));
  }
  return AliasReply(200, view);
}

net::Response GetAlias(LambdaContext& ctx, const LambdaCall& call) {
  return AliasReply(200, ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.GetAlias(call.Label("FunctionName"), call.Label("Name"));
  }));
}

net::Response DeleteAlias(LambdaContext& ctx, const LambdaCall& call) {
  Status s = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.DeleteAlias(call.Label("FunctionName"), call.Label("Name"), call.now);
  });
  if (!s.ok()) return ErrorReply(s);
  return EmptyReply(204);
}

net::Response ListAliases(LambdaContext& ctx, const LambdaCall& call) {
  auto views = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.ListAliases(call.Label("FunctionName"), call.route.QueryValue("FunctionVersion"));
  });
  if (!views.ok()) return ErrorReply(views.status());
  return PagedReply(call, "Aliases", *views, WriteAlias);
}

}  // namespace hr::server
