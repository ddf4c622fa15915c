#include "server/async_queue.h"

#include <algorithm>

#include <boost/json.hpp>

#include "base/function_ref.h"
#include "base/iso_time.h"
#include "server/lambda_service.h"
#include "server/request_id.h"

namespace hr::server {
namespace {

namespace json = boost::json;

constexpr std::int32_t kDefaultRetries = 2;
constexpr std::int64_t kDefaultMaxAgeSeconds = 21'600;
constexpr std::int64_t kMinBackoffMs = 1'000;
constexpr std::int64_t kMaxBackoffMs = 300'000;

std::string Encode(const InvocationInput& in) {
  json::object o;
  o["function"] = in.function;
  if (in.qualifier) o["qualifier"] = *in.qualifier;
  o["payload"] = in.payload;
  o["request_id"] = in.request_id;
  if (!in.client_context.empty()) o["client_context"] = in.client_context;
  return json::serialize(o);
}

std::optional<InvocationInput> Decode(const store::QueueItem& item) {
  boost::system::error_code ec;
  json::value v = json::parse(item.payload, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.get_object();
  auto str = [&](std::string_view key) -> std::string {
    const auto* x = o.if_contains(key);
    return x && x->is_string() ? std::string(x->get_string()) : std::string();
  };
  InvocationInput in;
  in.account = item.account;
  in.region = item.region;
  in.function = str("function");
  if (o.contains("qualifier")) in.qualifier = str("qualifier");
  in.payload = str("payload");
  in.request_id = str("request_id");
  in.client_context = str("client_context");
  in.synchronous = false;
  return in;
}

// The payload as a JSON value (a string when it is not JSON), for the invocation record.
json::value AsJson(const std::string& text) {
  if (text.empty()) return json::object();
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(json::string(text)) : v;
}

}  // namespace

// What the function's EventInvokeConfig says, with AWS's defaults.
struct AsyncQueue::Settings {
  bool exists = false;
  bool zero_reserved = false;
  std::int32_t max_retries = kDefaultRetries;
  std::int64_t max_age_seconds = kDefaultMaxAgeSeconds;
  std::string on_success;
  std::string on_failure;
  std::string function_arn;  // qualified, as the record names it
};

AsyncQueue::AsyncQueue(store::StateStore& store, Scheduler& scheduler, const Clock& clock)
    : store_(store), scheduler_(scheduler), clock_(clock) {}

Status AsyncQueue::Restore() {
  std::vector<std::pair<std::int64_t, Timestamp>> due;
  HR_RETURN_IF_ERROR(store_.ScanQueue([&](const store::QueueItem& item) {
    std::lock_guard<std::mutex> lock(mutex_);
    items_[item.id] = item;
    due.emplace_back(item.id, Timestamp::FromUnixMillis(item.not_before_unix_ms));
    return Status::Ok();
  }));
  for (const auto& [id, when] : due) ScheduleAt(id, when);
  return Status::Ok();
}

// The async metrics' labels and owner for an event of `input`; false when the function does
// not resolve (nothing is recorded).
bool AsyncQueue::Labels(const InvocationInput& input, std::uint32_t& owner,
                        telemetry::InvocationLabels& labels) const {
  if (!context_ || !context_->telemetry.enabled()) return false;
  return context_->registry.With(input.account, input.region, [&](engine::Account& a) {
    std::optional<std::string_view> qualifier;
    if (input.qualifier) qualifier = *input.qualifier;
    auto target = a.ResolveInvokeTarget(input.function, qualifier);
    if (!target.ok()) return false;
    owner = a.index();
    labels.function = a.FunctionNameOf(target->function.slot);
    labels.executed_version = target->version == 0 ? "$LATEST" : std::to_string(target->version);
    if (input.qualifier) {
      labels.qualifier = *input.qualifier;
    } else if (auto ref = ParseFunctionRef(input.function, FunctionNameShape::kNamespacedFunctionName);
               ref.ok() && ref->qualifier) {
      labels.qualifier = *ref->qualifier;
    }
    return true;
  });
}

Status AsyncQueue::Enqueue(const InvocationInput& input, Timestamp now) {
  store::QueueItem item;
  item.account = input.account;
  item.region = input.region;
  item.payload = Encode(input);
  item.enqueued_unix_ms = now.unix_millis();
  item.not_before_unix_ms = now.unix_millis();
  HR_ASSIGN_OR_RETURN(item.id, store_.Push(item));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    items_[item.id] = item;
  }
  ScheduleAt(item.id, now);
  std::uint32_t owner = 0;
  telemetry::InvocationLabels labels;
  if (Labels(input, owner, labels)) {
    context_->telemetry.Record([&](telemetry::LambdaMetrics& m) { m.AsyncReceived(owner, labels, now); });
  }
  return Status::Ok();
}

void AsyncQueue::ScheduleAt(std::int64_t id, Timestamp when) {
  scheduler_.At(when, [this, id] { Process(id); });
}

void AsyncQueue::Process(std::int64_t id) {
  store::QueueItem item;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = items_.find(id);
    if (it == items_.end()) return;
    item = it->second;
  }
  std::optional<InvocationInput> input = Decode(item);
  const Timestamp now = clock_.Now();
  if (!input) {
    Finish(item, "", "");
    return;
  }
  Settings s;
  context_->registry.With(item.account, item.region, [&](engine::Account& a) {
    std::optional<std::string_view> qualifier;
    if (input->qualifier) qualifier = *input->qualifier;
    auto target = a.ResolveInvokeTarget(input->function, qualifier);
    if (!target.ok()) return;
    s.exists = true;
    const std::string name = a.FunctionNameOf(target->function.slot);
    auto rc = a.GetFunctionConcurrency(name);
    s.zero_reserved = rc.ok() && *rc && **rc == 0;
    // The record names the qualifier as invoked: the parameter's, or the one in the name.
    std::optional<std::string> invoked = input->qualifier;
    if (!invoked) {
      if (auto ref = ParseFunctionRef(input->function, FunctionNameShape::kNamespacedFunctionName); ref.ok()) {
        invoked = ref->qualifier;
      }
    }
    s.function_arn = FunctionArn(item.region, item.account, name, invoked ? *invoked : "$LATEST");
    if (auto config = a.GetFunctionEventInvokeConfig(input->function, qualifier); config.ok()) {
      const engine::EventInvokeConfig& c = config->config;
      if (c.maximum_retry_attempts) s.max_retries = *c.maximum_retry_attempts;
      if (c.maximum_event_age_seconds) s.max_age_seconds = *c.maximum_event_age_seconds;
      s.on_success = c.on_success;
      s.on_failure = c.on_failure;
    }
  });
  if (!s.exists) {  // the function or qualifier is gone: nothing can run it
    Finish(item, "", "");
    return;
  }
  // By value: it is called again when the invocation ends, after Process has returned.
  auto record = [request_id = input->request_id, payload = input->payload,
                 arn = s.function_arn](Timestamp at, std::string_view condition,
                                       std::int32_t invokes, const InvocationOutcome* o) {
    json::object context{{"requestId", request_id}, {"functionArn", arn},
                         {"condition", condition}, {"approximateInvokeCount", invokes}};
    json::object r{{"version", "1.0"},
                   {"timestamp", FormatIsoMillis(at)},
                   {"requestContext", std::move(context)},
                   {"requestPayload", AsJson(payload)}};
    if (o) {
      json::object response{{"statusCode", 200}, {"executedVersion", o->executed_version}};
      if (o->result.function_error) response["functionError"] = "Unhandled";
      r["responseContext"] = std::move(response);
      r["responsePayload"] = AsJson(o->result.payload);
    }
    return json::serialize(r);
  };
  std::uint32_t owner = 0;
  telemetry::InvocationLabels labels;
  const bool labelled = Labels(*input, owner, labels);
  auto dropped = [this, owner, labels, labelled](Timestamp at) {
    if (!labelled) return;
    context_->telemetry.Record([&](telemetry::LambdaMetrics& m) { m.AsyncDropped(owner, labels, at); });
  };
  if (s.zero_reserved) {
    dropped(now);
    Finish(item, s.on_failure, record(now, "ZeroReservedConcurrency", 0, nullptr));
    return;
  }
  if (now.unix_millis() - item.enqueued_unix_ms > s.max_age_seconds * 1000) {
    dropped(now);
    Finish(item, s.on_failure, record(now, "EventAgeExceeded", item.attempts, nullptr));
    return;
  }
  if (labelled) {
    const Duration age = Duration::Millis(now.unix_millis() - item.enqueued_unix_ms);
    context_->telemetry.Record([&](telemetry::LambdaMetrics& m) { m.AsyncAttempted(owner, labels, age, now); });
  }
  RunInvocation(*context_, *input, now, [this, item, s, record, dropped](InvocationOutcome o) mutable {
    const Timestamp at = clock_.Now();
    if (!o.error.ok()) {
      Finish(item, "", "");
      return;
    }
    if (o.throttle != ThrottleReason::kNone) {
      // The back-off doubles with the event's age; the next look is no later than the moment
      // the event expires, so an expired event is dropped on time.
      const std::int64_t age = at.unix_millis() - item.enqueued_unix_ms;
      const std::int64_t left = s.max_age_seconds * 1000 - age + 1;
      Retry(item, at + Duration::Millis(std::max<std::int64_t>(
                           1, std::min(std::clamp(age, kMinBackoffMs, kMaxBackoffMs), left))));
      return;
    }
    ++item.attempts;
    if (!o.result.function_error) {
      Finish(item, s.on_success, record(at, "Success", item.attempts, &o));
      return;
    }
    if (item.attempts > s.max_retries) {
      dropped(at);
      Finish(item, s.on_failure, record(at, "RetriesExhausted", item.attempts, &o));
      return;
    }
    Retry(item, at + Duration::Millis(item.attempts == 1 ? 60'000 : 120'000));
  });
}

void AsyncQueue::Retry(store::QueueItem item, Timestamp when) {
  item.not_before_unix_ms = when.unix_millis();
  (void)store_.Update(item);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    items_[item.id] = item;
  }
  ScheduleAt(item.id, when);
}

void AsyncQueue::Finish(const store::QueueItem& item, const std::string& destination,
                        const std::string& record) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    items_.erase(item.id);
  }
  // Delivered before the event leaves the store, so a crash in between delivers again
  // rather than never (AWS's queue is at-least-once too).
  if (!destination.empty() && destination.find(":lambda:") != std::string::npos) {
    InvocationInput next;
    next.account = item.account;
    next.region = item.region;
    next.function = destination;
    next.payload = record;
    next.request_id = NewRequestId();
    next.synchronous = false;
    (void)Enqueue(next, clock_.Now());
  }
  (void)store_.Remove(item.id);
}

}  // namespace hr::server
