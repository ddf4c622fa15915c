#pragma once
// Environment: one Lambda execution environment — a runtime process (exec/process.h) and
// the Lambda Runtime API (2018-06-01) endpoint it talks to, AWS_LAMBDA_RUNTIME_API =
// 127.0.0.1:<its own port> (a net::HttpServer of its own, on an I/O pool shared with the other
// environments and the server's API, so an environment costs no thread):
//
//   GET  /2018-06-01/runtime/invocation/next         waits for the next invocation
//   POST /2018-06-01/runtime/invocation/{id}/response the invocation's result
//   POST /2018-06-01/runtime/invocation/{id}/error    its error (a function error)
//   POST /2018-06-01/runtime/init/error               init failed
//
// Init is over when the runtime first asks for an invocation (`on_init` with Ok) or fails
// (`on_init` with the Runtime.* error document as the message, kInvalidParameter), or when
// the process exits before that (Runtime.ExitError). One invocation at a time; `done` gets
// its outcome exactly once: the response, the error, or Runtime.ExitError when the process
// dies mid-invocation. Callbacks run on the I/O pool's threads (or the process's output
// reader) and must not block: they hold up every connection on that thread.
//
// Thread-safe. Kill() ends the process group; the destructor kills and waits.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/status.h"
#include "exec/process.h"
#include "net/http_server.h"
#include "net/io_pool.h"

namespace hr::exec {

struct InvocationRequest {
  std::string request_id;
  std::string payload;  // the event, JSON
  std::string invoked_function_arn;
  std::int64_t deadline_ms = 0;  // epoch milliseconds
  std::string client_context;    // JSON, or empty
  std::string trace_id;
};

struct InvocationOutcome {
  enum class Kind { kResponse, kFunctionError, kExited };
  Kind kind = Kind::kResponse;
  std::string payload;  // the response, or the error document
  std::string log;      // what the process wrote during the invocation
};

class Environment : public std::enable_shared_from_this<Environment> {
 public:
  // With the environment (null when it is being destroyed).
  using InitDone = std::function<void(const Status&, const std::shared_ptr<Environment>&)>;
  using InvocationDone = std::function<void(InvocationOutcome)>;

  // Starts the runtime with `spec`; AWS_LAMBDA_RUNTIME_API is added to its environment, an
  // endpoint on `io_pool`. `first_request_id` names the invocation waiting for this init
  // (empty for a provisioned environment), for the Runtime.ExitError of a runtime that dies
  // during init. REQUIRES: io_pool is running, and keeps running until the Environment is gone.
  static StatusOr<std::shared_ptr<Environment>> Start(ProcessSpec spec, std::string first_request_id,
                                                      InitDone on_init,
                                                      std::shared_ptr<net::IoPool> io_pool);
  ~Environment();

  // Sends `request` to the runtime. REQUIRES: init succeeded and no invocation is running.
  void Invoke(InvocationRequest request, InvocationDone done);
  void Kill();
  // The log the process wrote during init (for an init error).
  std::string InitLog() const;

 private:
  Environment() = default;
  void Handle(net::Request&& request, net::Responder responder);
  // Hands the pending invocation to a waiting /next, if both exist. Holds mutex_.
  void DispatchLocked();
  void Exited(int wait_status);

  mutable std::mutex mutex_;
  std::unique_ptr<net::HttpServer> api_;
  std::unique_ptr<Process> process_;
  InitDone on_init_;                          // guarded; reset once called
  std::optional<net::Responder> waiting_;     // a parked /next
  std::optional<InvocationRequest> pending_;  // not yet handed to the runtime
  std::string current_id_;                    // the invocation the runtime has
  InvocationDone done_;                       // for current_id_ or pending_
  std::uint64_t log_offset_ = 0;              // where the current invocation's log starts
  std::string first_request_id_;
  bool exited_ = false;
};

}  // namespace hr::exec
