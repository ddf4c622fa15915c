#pragma once
// Execution: runs admitted invocations of real functions (provided.* bootstraps and python3.x
// handlers) on execution environments (exec/environment.h), one per engine EnvironmentId.
//
// A cold start unpacks the code (exec/code_unpacker.h) into its task root, starts the runtime
// (on a WorkQueue of its own, never on an I/O thread: provisioned environments start the same way)
// with Lambda's standard environment plus the function's variables, and waits for its init;
// the invocation is then handed to it. A warm start reuses the environment the engine chose.
// The Timeout is enforced on the server's clock: past it the environment is killed and the
// caller gets "Task timed out". A runtime that dies mid-invocation gives Runtime.ExitError; a
// failed init, its Runtime.* error. Each of those replaces the environment.
//
// It is the engine's EventSink for environments: when the engine reclaims one (keep-alive,
// new code, a deleted function), its process is killed. Environments are destroyed on the
// scheduler's thread, never on one of their own.
//
// Thread-safe.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/admission.h"
#include "core/events.h"
#include "engine/function_config.h"
#include "exec/environment.h"
#include "net/io_pool.h"
#include "server/credentials.h"
#include "server/invocation_result.h"
#include "server/scheduler.h"
#include "server/work_queue.h"

namespace hr::server {

struct ExecutionRequest {
  std::uint32_t account_index = 0;
  std::string account;
  std::string region;
  core::Grant grant;
  std::string function_name;
  std::string executed_version;  // "$LATEST" or "7"
  std::string invoked_function_arn;
  engine::FunctionConfig config;  // of the version that runs
  std::string payload;
  std::string request_id;
  std::string client_context;  // decoded JSON, or empty
  Timestamp now;
};

class Execution : public core::EventSink {
 public:
  // `code_directory` holds the CodeStore's zips (<key>.zip) and the unpacked task roots;
  // `runtimes_directory` headroom's runtimes (python/bootstrap.py); `python` the interpreter
  // python3.x functions run on; `io_pool` the I/O threads the environments' Runtime API
  // endpoints run on (the server's own, so that an invocation and its runtime's answer often
  // share a thread). REQUIRES: io_pool keeps running until StopAll() has returned.
  // `credentials`: with strict auth, where each environment's AWS_ACCESS_KEY_ID /
  // AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN come from (a key that verifies for the function's
  // account); nullptr in permissive mode, where the access key id is the account id itself.
  Execution(const Clock& clock, Scheduler& scheduler, std::string code_directory,
            std::string runtimes_directory, std::string python,
            std::shared_ptr<net::IoPool> io_pool, const CredentialStore* credentials);
  ~Execution() override;

  // The URL functions reach this server at (HEADROOM_ENDPOINT_URL, AWS_ENDPOINT_URL).
  void SetEndpoint(std::string url);
  // Runs `request`; `done` gets the result once, on some thread.
  void Run(ExecutionRequest request, std::function<void(InvocationResult)> done);
  // Starts the environments `ids` of a provisioned config ahead of use (the request's config,
  // names and account; AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency). `done` gets
  // Ok once every init has succeeded, or the first failure; once, on some thread.
  void Provision(ExecutionRequest request, const std::vector<core::EnvironmentId>& ids,
                 std::function<void(const Status&)> done);
  // Kills every environment and waits for them.
  void StopAll();

  void OnEvent(const core::ModelEvent& event) override;

 private:
  using Key = std::pair<std::uint32_t, core::EnvironmentId>;  // account index, environment
  struct Running;

  StatusOr<exec::ProcessSpec> SpecFor(const ExecutionRequest& r, bool provisioned);
  void Start(const std::shared_ptr<Running>& running);
  // A started environment takes its slot (or is killed, if retired while it started).
  void Adopt(Key key, std::shared_ptr<exec::Environment> environment);
  // An environment that failed to start leaves starting_.
  void Abandon(Key key);
  void Dispatch(const std::shared_ptr<Running>& running);
  void Retire(Key key);

  const Clock& clock_;
  Scheduler& scheduler_;
  const std::string code_directory_;
  const std::string runtimes_directory_;
  const std::string python_;
  const std::shared_ptr<net::IoPool> io_pool_;
  const CredentialStore* const credentials_;
  std::mutex mutex_;
  std::string endpoint_;                                      // guarded by mutex_
  std::map<Key, std::shared_ptr<exec::Environment>> environments_;  // guarded by mutex_
  std::map<Key, bool> starting_;  // posted to launcher_, not yet started; true: retired meanwhile
  std::uint64_t scratch_counter_ = 0;                         // guarded by mutex_
  WorkQueue launcher_;  // starts processes (unpack, fork, exec) off the I/O threads
};

}  // namespace hr::server
