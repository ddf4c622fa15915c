// Resource-based policy: AddPermission, GetPolicy and RemovePermission (spec §1.2). The
// statement and the policy travel as JSON documents inside JSON strings, in the IAM shape
// AWS prints (AWS-recorded, TestLambdaPermissions).

#include <string>

#include "server/lambda_service.h"
#include "wire/json_response.h"

namespace hr::server {
namespace {

bool IsAccountId(std::string_view p) {
  return p.size() == 12 && p.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string PrincipalJson(const std::string& principal) {
  if (principal == "*") return "\"*\"";
  std::string out;
  if (IsAccountId(principal)) {
    wire::JsonObjectWriter(&out).String("AWS", "arn:aws:iam::" + principal + ":root").Close();
  } else if (principal.rfind("arn:", 0) == 0) {
    wire::JsonObjectWriter(&out).String("AWS", principal).Close();
  } else {
    wire::JsonObjectWriter(&out).String("Service", principal).Close();
  }
  return out;
}

std::string StatementJson(const engine::PolicyStatement& s) {
  std::string equals, condition, out;
  {
    wire::JsonObjectWriter w(&equals);
    if (!s.source_account.empty()) w.String("AWS:SourceAccount", s.source_account);
    if (!s.function_url_auth_type.empty()) w.String("lambda:FunctionUrlAuthType", s.function_url_auth_type);
    if (!s.principal_org_id.empty()) w.String("aws:PrincipalOrgID", s.principal_org_id);
    if (!s.event_source_token.empty()) w.String("lambda:EventSourceToken", s.event_source_token);
    w.Close();
  }
  const bool has_equals = equals != "{}";
  if (has_equals || !s.source_arn.empty()) {
    wire::JsonObjectWriter w(&condition);
    if (has_equals) w.Raw("StringEquals", equals);
    if (!s.source_arn.empty()) {
      std::string like;
      wire::JsonObjectWriter(&like).String("AWS:SourceArn", s.source_arn).Close();
      w.Raw("ArnLike", like);
    }
    w.Close();
  }
  wire::JsonObjectWriter w(&out);
  w.String("Sid", s.sid)
      .String("Effect", "Allow")
      .Raw("Principal", PrincipalJson(s.principal))
      .String("Action", s.action)
      .String("Resource", s.resource);
  if (!condition.empty()) w.Raw("Condition", condition);
  w.Close();
  return out;
}

engine::PolicyChange ChangeOf(const LambdaCall& call, std::optional<std::string> expected) {
  return engine::PolicyChange{expected.value_or(""), call.ids->Next()};
}

}  // namespace

net::Response AddPermission(LambdaContext& ctx, const LambdaCall& call) {
  const boost::json::object* b = call.body;
  engine::PolicyStatement statement;
  statement.sid = StringOr(*b, "StatementId", "");
  statement.action = StringOr(*b, "Action", "");
  statement.principal = StringOr(*b, "Principal", "");
  statement.source_arn = StringOr(*b, "SourceArn", "");
  statement.source_account = StringOr(*b, "SourceAccount", "");
  statement.event_source_token = StringOr(*b, "EventSourceToken", "");
  statement.principal_org_id = StringOr(*b, "PrincipalOrgID", "");
  statement.function_url_auth_type = StringOr(*b, "FunctionUrlAuthType", "");
  const engine::PolicyChange change = ChangeOf(call, OptionalString(b, "RevisionId"));
  auto added = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.AddPermission(call.Label("FunctionName"), call.route.QueryValue("Qualifier"),
                           statement, change, call.now);
  });
  if (!added.ok()) return ErrorReply(added.status());
  std::string out;
  wire::JsonObjectWriter(&out).String("Statement", StatementJson(*added)).Close();
  return JsonReply(201, std::move(out));
}

net::Response GetPolicy(LambdaContext& ctx, const LambdaCall& call) {
  auto policy = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.GetPolicy(call.Label("FunctionName"), call.route.QueryValue("Qualifier"));
  });
  if (!policy.ok()) return ErrorReply(policy.status());
  std::string statements = "[";
  for (std::size_t i = 0; i < policy->statements.size(); ++i) {
    if (i) statements += ',';
    statements += StatementJson(policy->statements[i]);
  }
  statements += ']';
  std::string document, out;
  wire::JsonObjectWriter(&document)
      .String("Version", "2012-10-17")
      .String("Id", "default")
      .Raw("Statement", statements)
      .Close();
  wire::JsonObjectWriter(&out).String("Policy", document).String("RevisionId", policy->revision_id).Close();
  return JsonReply(200, std::move(out));
}

net::Response RemovePermission(LambdaContext& ctx, const LambdaCall& call) {
  std::optional<std::string> expected;
  if (auto r = call.route.QueryValue("RevisionId")) expected = std::string(*r);
  const engine::PolicyChange change = ChangeOf(call, expected);
  Status s = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.RemovePermission(call.Label("FunctionName"), call.route.QueryValue("Qualifier"),
                              call.Label("StatementId"), change, call.now);
  });
  if (!s.ok()) return ErrorReply(s);
  return EmptyReply(204);
}

}  // namespace hr::server
