#include "server/execution.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <sstream>

#include "exec/code_unpacker.h"
#include "server/invocation.h"
#include "wire/json_response.h"

namespace hr::server {
namespace {

namespace fs = std::filesystem;

Duration Since(std::chrono::steady_clock::time_point start) {
  return Duration::Nanos(std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count());
}

bool IsPython(std::string_view runtime) { return runtime.substr(0, 7) == "python3"; }

// "2026/12/01/[$LATEST]<32 hex>", as Lambda names a log stream.
std::string LogStreamName(Timestamp now, std::string_view version, std::string_view id) {
  const std::time_t seconds = static_cast<std::time_t>(now.unix_seconds());
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::ostringstream out;
  out << std::put_time(&tm, "%Y/%m/%d") << "/[" << version << "]";
  for (char c : id) {
    if (c != '-') out << c;
  }
  return out.str();
}

}  // namespace

struct Execution::Running {
  ExecutionRequest request;
  std::function<void(InvocationResult)> done;
  std::weak_ptr<exec::Environment> environment;
  std::atomic<bool> finished{false};
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  Duration init;
  Scheduler::TaskId timeout;  // set before the invocation is handed to its environment

  void Finish(InvocationResult result) {
    if (finished.exchange(true)) return;
    result.init = init;
    done(std::move(result));
  }
};

Execution::Execution(const Clock& clock, Scheduler& scheduler, std::string code_directory,
                     std::string runtimes_directory, std::string python,
                     std::shared_ptr<net::IoPool> io_pool, const CredentialStore* credentials)
    : clock_(clock),
      scheduler_(scheduler),
      code_directory_(std::move(code_directory)),
      runtimes_directory_(std::move(runtimes_directory)),
      python_(std::move(python)),
      io_pool_(std::move(io_pool)),
      credentials_(credentials) {}

Execution::~Execution() { StopAll(); }

void Execution::SetEndpoint(std::string url) {
  std::lock_guard<std::mutex> lock(mutex_);
  endpoint_ = std::move(url);
}

void Execution::StopAll() {
  launcher_.Stop();  // no environment starts after this
  std::map<Key, std::shared_ptr<exec::Environment>> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    all.swap(environments_);
  }
  for (auto& [key, environment] : all) environment->Kill();  // all die at once
  all.clear();  // each destructor waits for its process group
}

StatusOr<exec::ProcessSpec> Execution::SpecFor(const ExecutionRequest& r, bool provisioned) {
  const engine::FunctionConfig& c = r.config;
  const std::string task_root = code_directory_ + "/" + c.code_key;
  HR_RETURN_IF_ERROR(exec::UnpackCode(code_directory_ + "/" + c.code_key + ".zip", task_root));
  std::string endpoint, scratch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    endpoint = endpoint_;
    scratch = code_directory_ + "/../environments/" + std::to_string(++scratch_counter_);
  }
  std::error_code ec;
  fs::create_directories(scratch, ec);
  exec::ProcessSpec spec;
  spec.working_directory = task_root;
  spec.data_limit_bytes = (static_cast<std::uint64_t>(c.memory_size) + 64) << 20;
  if (IsPython(c.runtime)) {
    spec.argv = {python_, runtimes_directory_ + "/python/bootstrap.py"};
  } else {
    spec.argv = {task_root + "/bootstrap"};
  }
  auto& env = spec.environment;
  env = c.environment;  // the function's own variables, then Lambda's (which win, as on AWS)
  env["AWS_LAMBDA_FUNCTION_NAME"] = r.function_name;
  env["AWS_LAMBDA_FUNCTION_VERSION"] = r.executed_version;
  env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(c.memory_size);
  env["AWS_LAMBDA_INITIALIZATION_TYPE"] = provisioned ? "provisioned-concurrency" : "on-demand";
  env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + r.function_name;
  env["AWS_LAMBDA_LOG_STREAM_NAME"] = LogStreamName(r.now, r.executed_version, r.request_id);
  env["AWS_REGION"] = r.region;
  env["AWS_DEFAULT_REGION"] = r.region;
  env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + c.runtime;
  if (credentials_) {
    FunctionCredential key = credentials_->ForFunction(r.account);
    env["AWS_ACCESS_KEY_ID"] = std::move(key.access_key_id);
    env["AWS_SECRET_ACCESS_KEY"] = std::move(key.secret_access_key);
    env["AWS_SESSION_TOKEN"] = std::move(key.session_token);
  } else {
    env["AWS_ACCESS_KEY_ID"] = r.account;  // a 12-digit key: headroom reads the account from it
    env["AWS_SECRET_ACCESS_KEY"] = "headroom";
    env["AWS_SESSION_TOKEN"] = "headroom";
  }
  env["LAMBDA_TASK_ROOT"] = task_root;
  env["LAMBDA_RUNTIME_DIR"] = runtimes_directory_;
  env["_HANDLER"] = c.handler;
  env["TZ"] = ":UTC";
  env["LANG"] = "en_US.UTF-8";
  env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  env["TMPDIR"] = scratch;
  env["HOME"] = scratch;
  if (!endpoint.empty()) {
    env["HEADROOM_ENDPOINT_URL"] = endpoint;
    env["AWS_ENDPOINT_URL"] = endpoint;
  }
  return spec;
}

void Execution::Run(ExecutionRequest request, std::function<void(InvocationResult)> done) {
  auto running = std::make_shared<Running>();
  running->request = std::move(request);
  running->done = std::move(done);
  const ExecutionRequest& r = running->request;
  const Key key{r.account_index, r.grant.environment};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = environments_.find(key);
    if (it != environments_.end()) {
      running->environment = it->second;
    }
  }
  if (running->environment.lock()) {
    Dispatch(running);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    starting_[key] = false;
  }
  launcher_.Post([this, running] { Start(running); });
}

// A new environment (a cold start, or a provisioned one started on first use), on launcher_.
void Execution::Start(const std::shared_ptr<Running>& running) {
  const ExecutionRequest& r = running->request;
  const Key key{r.account_index, r.grant.environment};
  auto spec = SpecFor(r, r.grant.start == core::StartKind::kProvisioned);
  if (!spec.ok()) {
    Abandon(key);
    InvocationResult result;
    result.function_error = true;
    result.reuse_environment = false;
    result.payload = ErrorDocument("Runtime.InvalidEntrypoint", spec.status().message());
    running->Finish(std::move(result));
    return;
  }
  const auto init_started = std::chrono::steady_clock::now();
  // The Environment calls back exactly once (init done, failed, or the process gone).
  auto environment = exec::Environment::Start(std::move(*spec), r.request_id,
      [this, running, init_started](const Status& init, const std::shared_ptr<exec::Environment>& env) {
    running->init = Since(init_started);
    if (env) running->environment = env;
    if (init.ok()) {
      Dispatch(running);
      return;
    }
    InvocationResult result;
    result.function_error = true;
    result.reuse_environment = false;
    result.payload = init.message();
    if (auto env = running->environment.lock()) result.log = env->InitLog();
    running->Finish(std::move(result));
  }, io_pool_);
  if (!environment.ok()) {
    Abandon(key);
    // AWS's words for a runtime that cannot be started (no bootstrap, not executable).
    InvocationResult result;
    result.function_error = true;
    result.reuse_environment = false;
    result.payload = ErrorDocument("Runtime.InvalidEntrypoint",
                                   "RequestId: " + r.request_id +
                                       " Error: Couldn't find valid bootstrap(s): "
                                       "[/var/task/bootstrap /opt/bootstrap]");
    result.log = environment.status().message();
    running->Finish(std::move(result));
    return;
  }
  running->environment = *environment;
  Adopt(key, std::move(*environment));
}

void Execution::Adopt(Key key, std::shared_ptr<exec::Environment> environment) {
  std::shared_ptr<exec::Environment> gone;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = starting_.find(key);
    const bool retired = it != starting_.end() && it->second;
    if (it != starting_.end()) starting_.erase(it);
    if (retired) {
      gone = std::move(environment);
      gone->Kill();
    } else {
      auto& slot = environments_[key];
      gone = std::move(slot);
      slot = std::move(environment);
    }
  }
  if (gone) scheduler_.At(clock_.Now(), [gone] {});  // destroyed off its own threads
}

void Execution::Abandon(Key key) {
  std::lock_guard<std::mutex> lock(mutex_);
  starting_.erase(key);
}

void Execution::Provision(ExecutionRequest request, const std::vector<core::EnvironmentId>& ids,
                          std::function<void(const Status&)> done) {
  struct Pending {
    std::mutex mutex;
    std::size_t left;
    std::function<void(const Status&)> done;  // reset once called
  };
  auto pending = std::make_shared<Pending>();
  pending->left = ids.size();
  pending->done = std::move(done);
  auto report = [pending](const Status& s) {
    std::function<void(const Status&)> done;
    {
      std::lock_guard<std::mutex> lock(pending->mutex);
      if (!pending->done) return;
      if (s.ok() && --pending->left > 0) return;
      done = std::move(pending->done);
      pending->done = nullptr;
    }
    done(s);
  };
  if (ids.empty()) report(Status::Ok());
  auto shared = std::make_shared<const ExecutionRequest>(std::move(request));
  for (core::EnvironmentId id : ids) {
    const Key key{shared->account_index, id};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      starting_[key] = false;
    }
    launcher_.Post([this, shared, key, pending, report] {
      {
        std::lock_guard<std::mutex> lock(pending->mutex);
        if (!pending->done) {  // an earlier environment failed: the config is FAILED
          Abandon(key);
          return;
        }
      }
      auto spec = SpecFor(*shared, /*provisioned=*/true);
      if (!spec.ok()) {
        Abandon(key);
        report(spec.status());
        return;
      }
      auto environment = exec::Environment::Start(
          std::move(*spec), "",
          [report](const Status& s, const std::shared_ptr<exec::Environment>&) { report(s); },
          io_pool_);
      if (!environment.ok()) {
        Abandon(key);
        report(environment.status());
        return;
      }
      Adopt(key, std::move(*environment));
    });
  }
}

void Execution::Dispatch(const std::shared_ptr<Running>& running) {
  auto environment = running->environment.lock();
  const ExecutionRequest& r = running->request;
  if (!environment) {
    InvocationResult result;
    result.function_error = true;
    result.reuse_environment = false;
    result.payload = ErrorDocument("Runtime.ExitError", "RequestId: " + r.request_id +
                                                            " Error: Runtime exited");
    running->Finish(std::move(result));
    return;
  }
  running->started = std::chrono::steady_clock::now();
  const std::int64_t timeout_s = r.config.timeout;
  exec::InvocationRequest invocation;
  invocation.request_id = r.request_id;
  invocation.payload = r.payload.empty() ? std::string("{}") : std::move(running->request.payload);
  invocation.invoked_function_arn = std::move(running->request.invoked_function_arn);
  invocation.deadline_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count() +
      timeout_s * 1000;
  invocation.client_context = std::move(running->request.client_context);
  invocation.trace_id = "Root=1-" + r.request_id.substr(0, 8) + "-" + r.request_id.substr(9, 4) +
                        r.request_id.substr(14, 4) + r.request_id.substr(19, 4) +
                        r.request_id.substr(24) + ";Sampled=0";
  // The Timeout runs on the server's clock. It is scheduled first, so that it can be cancelled
  // by an answer that comes at once.
  std::weak_ptr<Running> weak = running;
  running->timeout =
      scheduler_.At(clock_.Now() + Duration::Nanos(timeout_s * 1'000'000'000), [this, weak, timeout_s] {
    auto running = weak.lock();
    if (!running || running->finished) return;
    // Finish with the timeout before the kill: the killed runtime's exit is reported on
    // another thread and would otherwise race it to Finish (and win as Runtime.ExitError).
    const std::shared_ptr<exec::Environment> env = running->environment.lock();
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%.2f", static_cast<double>(timeout_s));
    InvocationResult result;
    result.function_error = true;
    result.reuse_environment = false;
    result.duration = Duration::Nanos(timeout_s * 1'000'000'000);
    result.payload = ErrorDocument("Sandbox.Timedout", "RequestId: " + running->request.request_id +
                                                           " Error: Task timed out after " +
                                                           seconds + " seconds");
    result.log = TimeoutLogLine(clock_.Now(), running->request.request_id, timeout_s);
    running->Finish(std::move(result));
    if (env) env->Kill();
  });
  environment->Invoke(std::move(invocation), [this, running](exec::InvocationOutcome o) {
    scheduler_.Cancel(running->timeout);
    InvocationResult result;
    result.payload = std::move(o.payload);
    result.function_error = o.kind != exec::InvocationOutcome::Kind::kResponse;
    result.reuse_environment = o.kind != exec::InvocationOutcome::Kind::kExited;
    result.duration = Since(running->started);
    result.log = std::move(o.log);
    running->Finish(std::move(result));
  });
}

void Execution::Retire(Key key) {
  std::shared_ptr<exec::Environment> environment;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = environments_.find(key);
    if (it == environments_.end()) {
      // Still starting: killed as soon as it exists (Adopt).
      if (auto s = starting_.find(key); s != starting_.end()) s->second = true;
      return;
    }
    environment = std::move(it->second);
    environments_.erase(it);
  }
  environment->Kill();
  scheduler_.At(clock_.Now(), [environment] {});  // destroyed on the scheduler's thread
}

void Execution::OnEvent(const core::ModelEvent& event) {
  if (event.kind == core::EventKind::kEnvironmentReclaimed) Retire({event.account, event.environment});
}

}  // namespace hr::server
