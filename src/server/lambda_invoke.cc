// Invoke (spec §1.2, §3.5): POST /2015-03-31/functions/{FunctionName}/invocations.
//
// The engine decides admission; a throttle is answered at once with AWS's 429 body. An
// admitted invocation runs on its environment and is answered when it ends: a simulated
// function (server/simulated_runtime.h) on the scheduler, following the server's clock, so
// with the manual clock an invocation stays running until the clock is advanced; a real one
// on its execution environment (server/execution.h). DryRun checks the function and answers
// 204.
//
// Every answer carries X-Amz-Executed-Version; a function error adds X-Amz-Function-Error:
// Unhandled; LogType Tail adds the last 4 KB of the invocation's log, base64, in
// X-Amz-Log-Result.

#include <cstdio>
#include <memory>
#include <string>

#include "server/base64.h"
#include "server/lambda_service.h"
#include "server/invocation.h"

namespace hr::server {
namespace {

// AWS's payload limits: 6 MB for a synchronous invocation, 1 MB for an event.
constexpr std::size_t kMaxSyncPayload = 6'291'456;
constexpr std::size_t kMaxEventPayload = 1'048'576;
constexpr std::size_t kLogTailBytes = 4096;

std::string FormatMillis(Duration d) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f", static_cast<double>(d.nanos()) / 1e6);
  return text;
}

// The platform's log lines for one invocation, as CloudWatch Logs shows them.
std::string PlatformLog(std::string_view request_id, std::string_view version, std::int32_t memory,
                        const InvocationResult& o, bool cold) {
  const std::int64_t billed_ms = (o.duration.nanos() + 999'999) / 1'000'000;
  std::string log = "START RequestId: " + std::string(request_id) + " Version: " +
                    std::string(version) + "\n";
  log += o.log;
  if (!o.log.empty() && o.log.back() != '\n') log += '\n';
  log += "END RequestId: " + std::string(request_id) + "\n";
  log += "REPORT RequestId: " + std::string(request_id) + "\tDuration: " + FormatMillis(o.duration) +
         " ms\tBilled Duration: " + std::to_string(billed_ms < 1 ? 1 : billed_ms) +
         " ms\tMemory Size: " + std::to_string(memory) + " MB\tMax Memory Used: 0 MB\t";
  if (cold) log += "Init Duration: " + FormatMillis(o.init) + " ms\t";
  log += "\n";
  return log;
}

net::Response InvocationReply(InvocationResult o, const std::string& executed_version,
                              const std::string* log_tail) {
  net::Response r = JsonReply(200, std::move(o.payload));
  r.headers.reserve(5);
  r.headers.push_back({"X-Amz-Executed-Version", executed_version});
  if (o.function_error) r.headers.push_back({"X-Amz-Function-Error", "Unhandled"});
  if (log_tail) r.headers.push_back({"X-Amz-Log-Result", EncodeBase64(*log_tail)});
  return r;
}

}  // namespace

void InvokeFunction(LambdaContext& ctx, const LambdaCall& call, net::Responder responder) {
  const LambdaRequest& request = call.request;
  const auto send = [&](net::Response r) {
    r.headers.push_back({"x-amzn-RequestId", std::string(request.request_id)});
    responder.Send(std::move(r));
  };
  const std::string_view type =
      request.http ? request.http->Header("X-Amz-Invocation-Type") : std::string_view();
  const bool event = type == "Event", dry_run = type == "DryRun";
  const bool tail = request.http && request.http->Header("X-Amz-Log-Type") == "Tail";
  const std::size_t limit = event ? kMaxEventPayload : kMaxSyncPayload;
  if (request.body.size() > limit) {
    send(ErrorReply(Status(ErrorCode::kRequestTooLarge,
                           "Request must be smaller than " + std::to_string(limit) +
                               " bytes for the InvokeFunction operation")));
    return;
  }
  if (!request.body.empty()) {
    boost::system::error_code ec;
    boost::json::parse(request.body, ec);
    if (ec) {
      send(ErrorReply(Status(ErrorCode::kInvalidRequestContent,
                             "Could not parse request body into json: Could not parse "
                             "payload into json: " + ec.message())));
      return;
    }
  }

  InvocationInput input;
  input.account = std::string(call.account);
  input.region = std::string(call.region);
  input.function = std::string(call.Label("FunctionName"));
  if (auto q = call.route.QueryValue("Qualifier")) input.qualifier = std::string(*q);
  input.payload = std::string(request.body);
  input.request_id = std::string(request.request_id);
  // X-Amz-Client-Context is base64 of a JSON document; the runtime gets the JSON.
  if (request.http) {
    input.client_context = DecodeBase64(request.http->Header("X-Amz-Client-Context")).value_or("");
  }

  if (dry_run || event) {
    auto version = ctx.registry.With(call.account, call.region, [&](engine::Account& a)
                                         -> StatusOr<std::string> {
      auto target = a.ResolveInvokeTarget(input.function, input.qualifier);
      if (!target.ok()) return target.status();
      return target->version == 0 ? std::string("$LATEST") : std::to_string(target->version);
    });
    if (!version.ok()) {
      send(ErrorReply(version.status()));
      return;
    }
    if (dry_run) {
      net::Response r = EmptyReply(204);
      r.headers.push_back({"X-Amz-Executed-Version", *version});
      send(std::move(r));
      return;
    }
    // Accepted even when the pool is full: admission happens in the queue.
    if (Status queued = ctx.async.Enqueue(input, call.now); !queued.ok()) {
      send(ErrorReply(queued));
      return;
    }
    send(EmptyReply(202));
    return;
  }

  auto held = std::make_shared<net::Responder>(std::move(responder));
  RunInvocation(ctx, std::move(input), call.now,
                [tail, request_id = std::string(request.request_id), held](InvocationOutcome o) {
    net::Response r;
    if (!o.error.ok()) {
      r = ErrorReply(o.error);
    } else if (o.throttle != ThrottleReason::kNone) {
      r = ThrottleReply(o.throttle);
    } else {
      std::string tail_text;
      if (tail) {
        tail_text = PlatformLog(request_id, o.executed_version, o.memory_size, o.result, o.cold);
        if (tail_text.size() > kLogTailBytes) tail_text.erase(0, tail_text.size() - kLogTailBytes);
      }
      r = InvocationReply(std::move(o.result), o.executed_version, tail ? &tail_text : nullptr);
    }
    r.headers.push_back({"x-amzn-RequestId", request_id});
    held->Send(std::move(r));
  });
}

}  // namespace hr::server
