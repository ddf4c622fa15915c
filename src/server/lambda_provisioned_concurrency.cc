// Provisioned concurrency: Put/Get/Delete/ListProvisionedConcurrencyConfig(s) (spec §1.2,
// errors §2). A Put answers 202 IN_PROGRESS; the config becomes READY once the configured
// allocation delay has passed and its environments have initialised (real ones are started
// at once, with AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency), or FAILED with
// FUNCTION_ERROR_INIT_FAILURE when an init fails.

#include <algorithm>

#include "base/iso_time.h"
#include "server/request_id.h"
#include "server/simulated_runtime.h"
#include "server/lambda_service.h"
#include "wire/json_response.h"

namespace hr::server {
namespace {

constexpr const char* kInitFailure = "FUNCTION_ERROR_INIT_FAILURE";

// The config's fields in AWS's order; with its FunctionArn when listed.
void WriteConfig(std::string* out, const engine::ProvisionedConfigView& v, bool with_arn) {
  wire::JsonObjectWriter w(out);
  if (with_arn) w.String("FunctionArn", v.function_arn);
  w.Int("RequestedProvisionedConcurrentExecutions", v.requested)
      .Int("AvailableProvisionedConcurrentExecutions", v.available)
      .Int("AllocatedProvisionedConcurrentExecutions", v.allocated)
      .String("Status", ProvisionedStatusName(v.status));
  if (v.status == core::ProvisionedStatus::kFailed) w.String("StatusReason", v.status_reason);
  w.String("LastModified", FormatLambdaTimestamp(v.last_modified));
  w.Close();
}

std::string_view Qualifier(const LambdaCall& call) {
  return call.route.QueryValue("Qualifier").value_or("");
}

}  // namespace

std::string_view ProvisionedStatusName(core::ProvisionedStatus s) {
  switch (s) {
    case core::ProvisionedStatus::kInProgress: return "IN_PROGRESS";
    case core::ProvisionedStatus::kReady: return "READY";
    case core::ProvisionedStatus::kFailed: return "FAILED";
  }
  return "FAILED";
}

namespace {

// Makes config `ticket` READY (or FAILED) at `when`, and journals the outcome.
void CompleteAt(LambdaContext& ctx, const std::string& account, const std::string& region,
                engine::ProvisioningTicket ticket, const std::string& function,
                const std::string& qualifier, Timestamp when, bool success) {
  ctx.scheduler.At(when, [&ctx, account, region, ticket, function, qualifier, success] {
    std::lock_guard<std::mutex> lock(ctx.write_mutex);
    const Timestamp at = ctx.registry.clock().Now();
    // A stale ticket (the config was replaced, moved or deleted meanwhile) is ignored.
    const Status done = ctx.registry.With(account, region, [&](engine::Account& a) {
      return a.CompleteProvisioning(ticket, success, success ? "" : kInitFailure, at);
    });
    if (done.ok() && ctx.journal) {
      (void)ctx.journal->Append(JournalEntry{account, region, success ? "READY" : "FAILED",
                                             function + "\n" + qualifier, "", at});
    }
  });
}

}  // namespace

void StartProvisioning(LambdaContext& ctx, const LambdaCall& call,
                       const engine::ProvisionedConfigView& config, const std::string& function,
                       const std::string& qualifier) {
  const std::string account(call.account), region(call.region);
  const Timestamp allocated = call.now + ctx.settings.pc_allocation_delay;
  std::optional<SimulatedBehaviour> simulated;
  ExecutionRequest base;
  const Status resolved = ctx.registry.With(account, region, [&](engine::Account& a) -> Status {
    auto target = a.ResolveInvokeTarget(function, std::string_view(qualifier));
    if (!target.ok()) return target.status();
    base.config = a.ConfigOf(*target);
    auto behaviour = SimulatedBehaviourOf(base.config.handler, base.config.environment);
    if (!behaviour.ok()) return behaviour.status();
    simulated = *behaviour;
    base.account_index = a.index();
    base.function_name = a.FunctionNameOf(target->function.slot);
    base.executed_version = std::to_string(target->version);
    return Status::Ok();
  });
  if (!resolved.ok()) return;  // the config went away with its function
  if (simulated) {
    // Init runs in parallel on every environment; the config is READY when both the
    // allocation and the init are done.
    const Timestamp when = std::max(allocated, call.now + simulated->init);
    CompleteAt(ctx, account, region, config.ticket, function, qualifier, when, !simulated->init_error);
    return;
  }
  if (!call.request.http) {
    // A replayed write: its READY/FAILED is in the journal; environments start on first use.
    CompleteAt(ctx, account, region, config.ticket, function, qualifier, allocated, true);
    return;
  }
  base.account = account;
  base.region = region;
  base.request_id = NewRequestId();
  base.now = call.now;
  ctx.execution.Provision(std::move(base), config.environments,
                          [&ctx, account, region, ticket = config.ticket, function, qualifier,
                           allocated](const Status& init) {
    const Timestamp when = std::max(allocated, ctx.registry.clock().Now());
    CompleteAt(ctx, account, region, ticket, function, qualifier, when, init.ok());
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
  StartProvisioning(ctx, call, *result, std::string(call.Label("FunctionName")),
                    std::string(Qualifier(call)));
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
