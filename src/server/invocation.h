#pragma once
// RunInvocation: one invocation through the engine and a runtime — resolve the function and
// qualifier, admit it (a synchronous call, or an event from the async queue), run it on the
// simulated runtime (server/simulated_runtime.h, on the scheduler and the server's clock) or
// on a real environment (server/execution.h), and release its slot with the result. Invoke
// and the async queue both go through here, so both follow the same rules.
//
// Thread-safe; `done` is called exactly once: at once for a resolution error or a throttle,
// otherwise when the invocation ends, on whichever thread ends it.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/status.h"
#include "base/throttle_reason.h"
#include "base/time.h"
#include "engine/account.h"
#include "server/invocation_result.h"
#include "telemetry/lambda_metrics.h"

namespace hr::server {

struct LambdaContext;

struct InvocationInput {
  std::string account;
  std::string region;
  std::string function;  // as the caller named it (name, name:qualifier or ARN)
  std::optional<std::string> qualifier;
  std::string payload;         // the event (JSON; empty is {})
  std::string request_id;
  std::string client_context;  // decoded JSON, or empty
  bool synchronous = true;     // false: an event from the async queue
};

struct InvocationOutcome {
  Status error;  // the function or qualifier does not resolve
  ThrottleReason throttle = ThrottleReason::kNone;
  std::string function_name;
  std::string executed_version;  // "$LATEST" or "7"
  bool cold = false;
  std::int32_t memory_size = 128;
  InvocationResult result;  // when it ran
  bool ran() const { return error.ok() && throttle == ThrottleReason::kNone; }
};

void RunInvocation(LambdaContext& ctx, InvocationInput input, Timestamp now,
                   std::function<void(InvocationOutcome)> done);

// The account's pool as the metrics see it.
telemetry::PoolGauges PoolGaugesOf(const engine::Account& account);

// {"errorMessage": message, "errorType": type}, as Lambda reports errors.
std::string ErrorDocument(std::string_view type, std::string_view message);
// The line the platform logs when an invocation times out:
// "2026-12-01T20:04:06.433Z <request id> Task timed out after 3.00 seconds\n".
std::string TimeoutLogLine(Timestamp at, std::string_view request_id, std::int64_t timeout_seconds);

}  // namespace hr::server
