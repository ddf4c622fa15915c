#include "server/invocation.h"

#include <cstdio>
#include <memory>
#include <random>

#include "base/function_ref.h"
#include "base/iso_time.h"
#include "server/lambda_service.h"
#include "server/simulated_runtime.h"
#include "wire/json_response.h"

namespace hr::server {

std::string ErrorDocument(std::string_view type, std::string_view message) {
  std::string out;
  wire::JsonObjectWriter(&out).String("errorMessage", message).String("errorType", type).Close();
  return out;
}

std::string TimeoutLogLine(Timestamp at, std::string_view request_id, std::int64_t timeout_seconds) {
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.2f", static_cast<double>(timeout_seconds));
  return FormatIsoMillis(at) + " " + std::string(request_id) + " Task timed out after " + seconds +
         " seconds\n";
}

namespace {

// What a simulated invocation does: its outcome and when it ends.
InvocationResult Simulate(const SimulatedBehaviour& b, const engine::FunctionConfig& config, bool cold,
                 std::string_view payload, std::string_view request_id, Timestamp now) {
  InvocationResult o;
  if (cold) o.init = b.init;
  if (cold && b.init_error) {
    o.function_error = true;
    o.reuse_environment = false;
    o.payload = ErrorDocument("Runtime.InitError",
                              "Simulated init failure (HEADROOM_SIM_INIT_ERROR=true)");
    return o;
  }
  const Duration timeout = Duration::Nanos(std::int64_t{config.timeout} * 1'000'000'000);
  if (b.duration > timeout) {
    o.duration = timeout;
    o.function_error = true;
    o.reuse_environment = false;
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%.2f", static_cast<double>(config.timeout));
    o.payload = ErrorDocument("Sandbox.Timedout", "RequestId: " + std::string(request_id) +
                                                      " Error: Task timed out after " + seconds +
                                                      " seconds");
    o.log = TimeoutLogLine(now + timeout, request_id, config.timeout);
    return o;
  }
  o.duration = b.duration;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  if (b.error_rate > 0 && std::uniform_real_distribution<double>(0, 1)(rng) < b.error_rate) {
    o.function_error = true;
    o.payload = ErrorDocument("SimulatedError", "Simulated function error (HEADROOM_SIM_ERROR_RATE)");
    return o;
  }
  o.payload = payload.empty() ? std::string("{}") : std::string(payload);  // it echoes its event
  return o;
}

}  // namespace

telemetry::PoolGauges PoolGaugesOf(const engine::Account& account) {
  const engine::PoolView p = account.Pool();
  return telemetry::PoolGauges{p.unreserved_busy, p.claimed, p.limit};
}

void RunInvocation(LambdaContext& ctx, InvocationInput input, Timestamp now,
                   std::function<void(InvocationOutcome)> done) {
  InvocationOutcome outcome;
  std::optional<SimulatedBehaviour> simulated;
  ExecutionRequest run;
  core::AdmissionDecision decision;
  // The qualifier as invoked: the parameter's or the name's own.
  std::optional<std::string> invoked_qualifier = input.qualifier;
  if (!invoked_qualifier) {
    if (auto ref = ParseFunctionRef(input.function, FunctionNameShape::kNamespacedFunctionName); ref.ok()) {
      invoked_qualifier = ref->qualifier;
    }
  }
  auto labels = std::make_shared<telemetry::InvocationLabels>();
  telemetry::PoolGauges pool;
  std::uint32_t owner = 0;
  outcome.error = ctx.registry.With(input.account, input.region, [&](engine::Account& a) {
    std::optional<std::string_view> qualifier;
    if (input.qualifier) qualifier = *input.qualifier;
    auto target = a.ResolveInvokeTarget(input.function, qualifier);
    if (!target.ok()) return target.status();
    const engine::FunctionConfig& c = a.ConfigOf(*target);
    auto behaviour = SimulatedBehaviourOf(c.handler, c.environment);
    if (!behaviour.ok()) return behaviour.status();
    simulated = *behaviour;
    if (simulated) {
      // The simulated runtime reads only these: no copy of the rest on the hot path.
      run.config.timeout = c.timeout;
      run.config.memory_size = c.memory_size;
    } else {
      run.config = c;  // a cold start needs all of it
    }
    run.account_index = a.index();
    run.function_name = a.FunctionNameOf(target->function.slot);
    run.executed_version = target->version == 0 ? "$LATEST" : std::to_string(target->version);
    decision = a.Admit(*target, input.synchronous, now);
    owner = a.index();
    if (ctx.telemetry.enabled()) {
      labels->function = run.function_name;
      labels->qualifier = invoked_qualifier.value_or("");
      labels->executed_version = run.executed_version;
      labels->reserved = a.HasReservedConcurrency(*target);
      if (auto pc = a.ProvisionedFor(*target)) {
        labels->provisioned_qualifier = std::string(pc->qualifier);
        labels->provisioned_allocated = pc->allocated;
      }
      pool = PoolGaugesOf(a);
    }
    return Status::Ok();
  });
  outcome.function_name = run.function_name;
  outcome.executed_version = run.executed_version;
  outcome.memory_size = run.config.memory_size;
  if (!outcome.error.ok() || !decision.admitted()) {
    outcome.throttle = decision.throttle;
    if (outcome.error.ok()) {
      ctx.telemetry.Record([&](telemetry::LambdaMetrics& m) { m.Throttled(owner, *labels, now); });
    }
    done(std::move(outcome));
    return;
  }
  outcome.cold = decision.grant.start == core::StartKind::kCold;
  const bool provisioned = decision.grant.start == core::StartKind::kProvisioned;
  ctx.telemetry.Record([&](telemetry::LambdaMetrics& m) {
    m.Started(owner, *labels, provisioned, decision.grant.spillover, pool, now);
  });
  auto finish = [&ctx, account = input.account, region = input.region, grant = decision.grant,
                 outcome, labels, owner, provisioned, done = std::move(done)](InvocationResult result) mutable {
    const Timestamp end = ctx.registry.clock().Now();
    telemetry::PoolGauges after;
    ctx.registry.With(account, region, [&](engine::Account& a) {
      a.Release(grant, end, result.reuse_environment);
      if (ctx.telemetry.enabled()) after = PoolGaugesOf(a);
    });
    ctx.telemetry.Record([&](telemetry::LambdaMetrics& m) {
      m.Finished(owner, *labels, provisioned, result.duration, result.function_error, after, end);
    });
    outcome.result = std::move(result);
    done(std::move(outcome));
  };
  if (!simulated) {
    run.account = input.account;
    run.region = input.region;
    run.grant = decision.grant;
    // The ARN as invoked: with the qualifier of the parameter or of the name itself.
    run.invoked_function_arn =
        FunctionArn(input.region, input.account, run.function_name,
                    invoked_qualifier ? std::optional<std::string_view>(*invoked_qualifier) : std::nullopt);
    run.payload = std::move(input.payload);
    run.request_id = std::move(input.request_id);
    run.client_context = std::move(input.client_context);
    run.now = now;
    ctx.execution.Run(std::move(run), std::move(finish));
    return;
  }
  InvocationResult result =
      Simulate(*simulated, run.config, outcome.cold, input.payload, input.request_id, now);
  const Duration runs = result.init + result.duration;
  if (runs.nanos() == 0) {
    finish(std::move(result));
    return;
  }
  auto shared = std::make_shared<decltype(finish)>(std::move(finish));
  ctx.scheduler.At(now + runs, [shared, result] { (*shared)(result); });
}

}  // namespace hr::server
