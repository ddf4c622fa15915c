// Reserved concurrency: PutFunctionConcurrency, GetFunctionConcurrency and
// DeleteFunctionConcurrency (spec §1.2, errors §2).

#include "server/lambda_service.h"
#include "wire/json_response.h"

namespace hr::server {
namespace {

net::Response ReservedReply(std::optional<std::int32_t> reserved) {
  std::string body;
  wire::JsonObjectWriter w(&body);
  if (reserved) w.Int("ReservedConcurrentExecutions", *reserved);
  w.Close();
  return JsonReply(200, std::move(body));
}

}  // namespace

net::Response PutFunctionConcurrency(LambdaContext& ctx, const LambdaCall& call) {
  // The validator guarantees an integer ReservedConcurrentExecutions.
  const std::int64_t reserved = call.body->at("ReservedConcurrentExecutions").to_number<std::int64_t>();
  auto result = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.PutFunctionConcurrency(call.Label("FunctionName"), reserved, call.now);
  });
  if (!result.ok()) return ErrorReply(result.status());
  return ReservedReply(*result);
}

net::Response GetFunctionConcurrency(LambdaContext& ctx, const LambdaCall& call) {
  auto result = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.GetFunctionConcurrency(call.Label("FunctionName"));
  });
  if (!result.ok()) return ErrorReply(result.status());
  return ReservedReply(*result);
}

net::Response DeleteFunctionConcurrency(LambdaContext& ctx, const LambdaCall& call) {
  Status s = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.DeleteFunctionConcurrency(call.Label("FunctionName"), call.now);
  });
  if (!s.ok()) return ErrorReply(s);
  return EmptyReply(204);
}

}  // namespace hr::server
