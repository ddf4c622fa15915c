#pragma once
// LambdaService: the Lambda rest-json API over HTTP. It routes a request, validates it against
// the AWS service model, calls the operation's handler and renders the reply or the
// AWS-shaped error (wire/lambda_errors.h). Handlers live one group per file in
// server/lambda_*.cc and are found through one table keyed by operation name; Invoke, which
// answers when the function has run, has a handler of its own kind (server/lambda_invoke.cc).
//
// Thread-safe: handlers reach the engine only through AccountRegistry::With.

#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "base/time.h"
#include "net/request.h"
#include "net/responder.h"
#include "net/response.h"
#include "server/account_registry.h"
#include "server/async_queue.h"
#include "server/code_store.h"
#include "server/execution.h"
#include "server/journal.h"
#include "server/paging.h"
#include "server/request_id.h"
#include "server/scheduler.h"
#include "server/settings.h"
#include "server/telemetry.h"
#include "wire/json_response.h"
#include "wire/rest_router.h"

namespace hr::server {

// What every handler may use. `write_mutex` serialises control-plane writes with their
// journal entries, so the journal's order is the order they were applied.
struct LambdaContext {
  AccountRegistry& registry;
  CodeStore& code;
  Execution& execution;
  AsyncQueue& async;
  Scheduler& scheduler;
  const ServerSettings& settings;
  Journal* journal;  // null: nothing is persisted
  std::mutex& write_mutex;
  Telemetry& telemetry;
};

// One request as the server received it.
struct LambdaRequest {
  std::string_view method;
  std::string_view target;  // raw: not percent-decoded, query included
  std::string_view body;
  std::string_view account;
  std::string_view region;
  std::string_view endpoint;  // "http://<Host>" as the client addressed us; empty on replay
  const net::Request* http = nullptr;  // for header-bound members; null on replay
  std::string_view request_id;         // x-amzn-RequestId (and an invocation's request id)
};

// One decoded request.
struct LambdaCall {
  std::string_view account;
  std::string_view region;
  const wire::RouteMatch& route;
  const boost::json::object* body;  // the JSON body, or null when there is none
  Timestamp now;
  IdSequence* ids;  // the RevisionIds this call may hand out (the same again on replay)
  std::string_view endpoint;  // "http://<Host>" as the client addressed us; empty on replay
  const LambdaRequest& request;

  // The URI label `name` (always present: the router matched the template).
  std::string_view Label(std::string_view name) const { return route.Label(name).value_or(""); }
};

using LambdaHandler = net::Response (*)(LambdaContext&, const LambdaCall&);

// Invoke: answers through `responder` once the function has run (or at once: a throttle, an
// error, an Event accepted into the queue).
void InvokeFunction(LambdaContext& ctx, const LambdaCall& call, net::Responder responder);

// The handler of operation `name`, or null when headroom does not implement it.
LambdaHandler FindLambdaHandler(std::string_view name);

// Routes `request` with `router` (built on wire::LambdaModel()), parses its JSON body and
// validates it against the model, into `route` and `json`: the decoding every Lambda request
// goes through before its handler (and what fuzz/fuzz_lambda_rest_json.cc feeds). Returns the
// AWS-shaped error reply when it is not a valid request (no such route or unimplemented
// operation, a body that is not a JSON object, a type mismatch or constraint violation).
// Pure; any thread.
std::optional<net::Response> PrepareLambdaRequest(const wire::RestRouter& router,
                                                  const LambdaRequest& request,
                                                  wire::RouteMatch& route, boost::json::value& json);

class LambdaService {
 public:
  explicit LambdaService(LambdaContext context);
  LambdaContext& context() { return context_; }

  // Answers one Lambda request through `responder`, now or (Invoke) when the function has
  // run, with x-amzn-RequestId. A successful write is journaled before its reply is sent.
  void Serve(const LambdaRequest& request, net::Responder responder);
  // Answers one control-plane request at once. `replay` replays a journaled request at its
  // original time and with its original id seed, without journaling it again.
  net::Response Handle(const LambdaRequest& request, const JournalEntry* replay = nullptr);

 private:
  net::Response Run(const LambdaRequest& request, const wire::RouteMatch& route,
                    const boost::json::value& json, const JournalEntry* replay);

  LambdaContext context_;
  wire::RestRouter router_;
};

// Initialises the environments of a provisioned config just put or moved (`function`:
// `qualifier`), and makes it READY once the allocation delay has passed and every init has
// succeeded, or FAILED (FUNCTION_ERROR_INIT_FAILURE); journals the outcome. A stale config
// (replaced, moved or deleted meanwhile) is left alone.
void StartProvisioning(LambdaContext& ctx, const LambdaCall& call,
                       const engine::ProvisionedConfigView& config, const std::string& function,
                       const std::string& qualifier);

// A provisioned config's Status as AWS spells it: IN_PROGRESS, READY or FAILED.
std::string_view ProvisionedStatusName(core::ProvisionedStatus status);

// Reply helpers shared by the handlers.
net::Response JsonReply(unsigned status, std::string body);
net::Response EmptyReply(unsigned status);
net::Response ErrorReply(const Status& status);
// Invoke's 429 TooManyRequestsException for `reason`.
net::Response ThrottleReply(ThrottleReason reason);

// Body members, read after the model validator has checked their types: the string at
// `key`, or `fallback` when absent; the optional forms say whether it was sent.
std::string StringOr(const boost::json::object& o, std::string_view key, std::string_view fallback);
std::optional<std::string> OptionalString(const boost::json::object* o, std::string_view key);
std::optional<std::int32_t> OptionalInt(const boost::json::object* o, std::string_view key);

// Lambda returns at most 50 items per List* response.
inline constexpr std::size_t kMaxListItems = 50;

// A List* reply: {"<key>":[one page of `items`], "NextMarker"?}, the page chosen by the call's
// Marker and MaxItems (server/paging.h); `write(std::string*, const T&)` writes one item.
template <typename T, typename Write>
net::Response PagedReply(const LambdaCall& call, std::string_view key, const std::vector<T>& items,
                         Write&& write) {
  auto page = PageOf(items, call.route.QueryValue("Marker").value_or(""),
                     MaxItems(call.route.QueryValue("MaxItems"), kMaxListItems, kMaxListItems));
  if (!page.ok()) return ErrorReply(page.status());
  std::string list = "[";
  for (std::size_t i = 0; i < page->items.size(); ++i) {
    if (i) list += ',';
    write(&list, *page->items[i]);
  }
  list += ']';
  std::string body;
  wire::JsonObjectWriter w(&body);
  w.Raw(key, list);
  if (page->next_marker) w.String("NextMarker", *page->next_marker);
  w.Close();
  return JsonReply(200, std::move(body));
}

}  // namespace hr::server
