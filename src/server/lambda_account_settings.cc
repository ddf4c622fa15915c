// GetAccountSettings: GET /2016-08-19/account-settings (with or without the trailing slash).

#include "server/lambda_service.h"
#include "wire/json_response.h"

namespace hr::server {

// AWS's fixed code-storage limits (D-lim): 75 GB total, 250 MB unzipped, 50 MB zipped.
constexpr std::int64_t kTotalCodeSize = 80'530'636'800;
constexpr std::int64_t kCodeSizeUnzipped = 262'144'000;
constexpr std::int64_t kCodeSizeZipped = 52'428'800;

net::Response GetAccountSettings(LambdaContext& ctx, const LambdaCall& call) {
  std::int64_t code_size = 0;
  const engine::PoolView pool = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    code_size = a.TotalCodeSize();
    return a.Pool();
  });
  std::string limit, usage, body;
  wire::JsonObjectWriter(&limit)
      .Int("TotalCodeSize", kTotalCodeSize)
      .Int("CodeSizeUnzipped", kCodeSizeUnzipped)
      .Int("CodeSizeZipped", kCodeSizeZipped)
      .Int("ConcurrentExecutions", pool.limit)
      .Int("UnreservedConcurrentExecutions", pool.unreserved)
      .Close();
  wire::JsonObjectWriter(&usage).Int("TotalCodeSize", code_size).Int("FunctionCount", pool.function_count).Close();
  wire::JsonObjectWriter(&body).Raw("AccountLimit", limit).Raw("AccountUsage", usage).Close();
  return JsonReply(200, std::move(body));
}

}  // namespace hr::server
