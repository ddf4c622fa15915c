// Provisioned concurrency: Put/Get/Delete/ListProvisionedConcurrencyConfig(s) (spec §1.2,
// errors §2). A Put answers 202 IN_PROGRESS; the config becomes READY after the configured
// allocation delay (the real environments' init arrives with the invoke work).

#include "server/iso_time.h"
#include "server/lambda_service.h"
#include "wire/json_response.h"

namespace hr::server {
namespace {

std::string_view StatusName(core::ProvisionedStatus s) {
  switch (s) {
    case core::ProvisionedStatus::kInProgress: return "IN_PROGRESS";
    case core::ProvisionedStatus::kReady: return "READY";
    case core::ProvisionedStatus::kFailed: return "FAILED";
  }
  return "FAILED";
}

// The config's fields in AWS's order; with its FunctionArn when listed.
void WriteConfig(std::string* out, const engine::ProvisionedConfigView& v, bool with_arn) {
  wire::JsonObjectWriter w(out);
  if (with_arn) w.String("FunctionArn", v.function_arn);
  w.Int("RequestedProvisionedConcurrentExecutions", v.requested)
      .Int("AvailableProvisionedConcurrentExecutions", v.available)
      .Int("AllocatedProvisionedConcurrentExecutions", v.allocated)
      .String("Status", StatusName(v.status));
  if (v.status == core::ProvisionedStatus::kFailed) w.String("StatusReason", v.status_reason);
  w.String("LastModified", FormatLambdaTimestamp(v.last_modified));
  w.Close();
}

std::string_view Qualifier(const LambdaCall& call) {
  return call.route.QueryValue("Qualifier").value_or("");
}

}  // namespace

void ScheduleProvisioningReady(LambdaContext& ctx, const std::string& account,
                               const std::string& region, engine::ProvisioningTicket ticket,
                               std::string function, std::string qualifier, Timestamp now) {
  ctx.scheduler.At(now + ctx.settings.pc_allocation_delay,
                   [&ctx, account, region, ticket, function = std::move(function),
                    qualifier = std::move(qualifier)] {
    std::lock_guard<std::mutex> lock(ctx.write_mutex);
    const Timestamp at = ctx.registry.clock().Now();
    // A stale ticket (the config was replaced, moved or deleted meanwhile) is ignored.
    const Status ready = ctx.registry.With(account, region, [&](engine::Account& a) {
      return a.CompleteProvisioning(ticket, /*success=*/true, "", at);
    });
    if (ready.ok() && ctx.journal) {
      (void)ctx.journal->Append(
          JournalEntry{account, region, "READY", function + "\n" + qualifier, "", at});
    }
  });
}

net::Response PutProvisionedConcurrencyConfig(LambdaContext& ctx, const LambdaCall& call) {
  const std::int64_t requested =
      call.body->at("ProvisionedConcurrentExecutions").to_number<std::int64_t>();
  const std::string account(call.account), region(call.region);
  auto result = ctx.registry.With(account, region, [&](engine::Account& a) {
    return a.PutProvisionedConcurrencyConfig(call.Label("FunctionName"), Qualifier(call), requested,
                                             call.now);
  });
  if (!result.ok()) return ErrorReply(result.status());
  ScheduleProvisioningReady(ctx, account, region, result->ticket,
                            std::string(call.Label("FunctionName")), std::string(Qualifier(call)),
                            call.now);
  std::string body;
  WriteConfig(&body, *result, /*with_arn=*/false);
  return JsonReply(202, std::move(body));
}

net::Response GetProvisionedConcurrencyConfig(LambdaContext& ctx, const LambdaCall& call) {
  auto result = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.GetProvisionedConcurrencyConfig(call.Label("FunctionName"), Qualifier(call));
  });
  if (!result.ok()) return ErrorReply(result.status());
  std::string body;
  WriteConfig(&body, *result, /*with_arn=*/false);
  return JsonReply(200, std::move(body));
}

net::Response DeleteProvisionedConcurrencyConfig(LambdaContext& ctx, const LambdaCall& call) {
  Status s = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.DeleteProvisionedConcurrencyConfig(call.Label("FunctionName"), Qualifier(call), call.now);
  });
  if (!s.ok()) return ErrorReply(s);
  return EmptyReply(204);
}

// Pages in qualifier order (server/paging.h).
net::Response ListProvisionedConcurrencyConfigs(LambdaContext& ctx, const LambdaCall& call) {
  auto result = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.ListProvisionedConcurrencyConfigs(call.Label("FunctionName"));
  });
  if (!result.ok()) return ErrorReply(result.status());
  return PagedReply(call, "ProvisionedConcurrencyConfigs", *result,
                    [](std::string* out, const engine::ProvisionedConfigView& v) {
                      WriteConfig(out, v, /*with_arn=*/true);
                    });
}

}  // namespace hr::server
