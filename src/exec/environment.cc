#include "exec/environment.h"

#include <sys/wait.h>

#include <utility>

#include <csignal>
#include <thread>

#include "net/io_worker.h"
#include "wire/json_response.h"

namespace hr::exec {
namespace {

constexpr std::string_view kNext = "/2018-06-01/runtime/invocation/next";
constexpr std::string_view kInvocationPrefix = "/2018-06-01/runtime/invocation/";
constexpr std::string_view kInitError = "/2018-06-01/runtime/init/error";

net::Response Accepted() { return net::JsonResponse(202, R"({"status":"OK"})"); }

net::Response ApiError(unsigned status, std::string_view type, std::string_view message) {
  std::string body;
  wire::JsonObjectWriter(&body).String("errorMessage", message).String("errorType", type).Close();
  return net::JsonResponse(status, std::move(body));
}

// How Lambda names a signal in "Runtime exited with error: signal: killed".
std::string SignalName(int signal) {
  switch (signal) {
    case SIGKILL: return "killed";
    case SIGSEGV: return "segmentation fault";
    case SIGABRT: return "aborted";
    case SIGTERM: return "terminated";
    case SIGBUS: return "bus error";
    case SIGFPE: return "floating point exception";
    default: return std::to_string(signal);
  }
}

// Runtime.ExitError, for `request_id` (empty during init).
std::string ExitErrorDocument(int wait_status, std::string_view request_id) {
  const std::string detail = WIFSIGNALED(wait_status)
                                 ? "signal: " + SignalName(WTERMSIG(wait_status))
                                 : "exit status " + std::to_string(WEXITSTATUS(wait_status));
  std::string message = "RequestId: ";
  message += request_id;
  message += " Error: Runtime exited with error: " + detail;
  std::string out;
  wire::JsonObjectWriter(&out)
      .String("errorMessage", message)
      .String("errorType", "Runtime.ExitError")
      .Close();
  return out;
}

}  // namespace

StatusOr<std::shared_ptr<Environment>> Environment::Start(ProcessSpec spec,
                                                          std::string first_request_id,
                                                          InitDone on_init,
                                                          std::shared_ptr<net::IoPool> io_pool) {
  std::shared_ptr<Environment> env(new Environment());
  env->on_init_ = std::move(on_init);
  env->first_request_id_ = std::move(first_request_id);
  net::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.io_pool = std::move(io_pool);
  std::weak_ptr<Environment> weak = env;
  options.handler = [weak](net::Request&& request, net::Responder responder) {
    if (auto self = weak.lock()) self->Handle(std::move(request), std::move(responder));
  };
  env->api_ = std::make_unique<net::HttpServer>(std::move(options));
  if (auto ec = env->api_->Start()) {
    return Status(ErrorCode::kInternal, "cannot open the Runtime API endpoint: " + ec.message());
  }
  spec.environment["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:" + std::to_string(env->api_->port());
  auto process = Process::Start(std::move(spec), [weak](int status) {
    if (auto self = weak.lock()) self->Exited(status);
  });
  if (!process.ok()) {
    env->on_init_ = nullptr;  // the caller hears of it through the returned status
    return process.status();
  }
  std::lock_guard<std::mutex> lock(env->mutex_);
  env->process_ = std::move(*process);
  return env;
}

Environment::~Environment() {
  // Whoever waits on this environment hears that it is gone.
  if (on_init_) {
    on_init_(Status(ErrorCode::kInvalidParameter, ExitErrorDocument(SIGKILL, first_request_id_)), nullptr);
  }
  if (done_) {
    done_(InvocationOutcome{InvocationOutcome::Kind::kExited, ExitErrorDocument(SIGKILL, current_id_), {}});
  }
  if (process_) process_->Kill();
  process_.reset();
  if (!api_) return;
  if (net::IoWorker::Current()) {
    // On one of the pool's threads (perhaps the endpoint's own): Stop would wait for it.
    std::thread([api = std::move(api_)] { api->Stop(std::chrono::milliseconds(0)); }).detach();
    return;
  }
  api_->Stop(std::chrono::milliseconds(0));
}

void Environment::Kill() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (process_) process_->Kill();
}

std::string Environment::InitLog() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return process_ ? process_->LogSince(0) : std::string();
}

void Environment::Invoke(InvocationRequest request, InvocationDone done) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (exited_) {
    lock.unlock();
    done(InvocationOutcome{InvocationOutcome::Kind::kExited, ExitErrorDocument(0, request.request_id), {}});
    return;
  }
  pending_ = std::move(request);
  done_ = std::move(done);
  DispatchLocked();
}

void Environment::DispatchLocked() {
  if (!waiting_ || !pending_) return;
  InvocationRequest r = std::move(*pending_);
  pending_.reset();
  current_id_ = r.request_id;
  log_offset_ = process_ ? process_->LogOffset() : 0;
  net::Response next = net::JsonResponse(200, std::move(r.payload));
  next.headers.reserve(6);
  next.headers.push_back({"Lambda-Runtime-Aws-Request-Id", std::move(r.request_id)});
  next.headers.push_back({"Lambda-Runtime-Deadline-Ms", std::to_string(r.deadline_ms)});
  next.headers.push_back({"Lambda-Runtime-Invoked-Function-Arn", std::move(r.invoked_function_arn)});
  next.headers.push_back({"Lambda-Runtime-Trace-Id", std::move(r.trace_id)});
  if (!r.client_context.empty()) {
    next.headers.push_back({"Lambda-Runtime-Client-Context", std::move(r.client_context)});
  }
  net::Responder responder = std::move(*waiting_);
  waiting_.reset();
  responder.Send(std::move(next));
}

void Environment::Handle(net::Request&& request, net::Responder responder) {
  const std::string_view path = request.Target();
  std::unique_lock<std::mutex> lock(mutex_);
  if (request.Method() == "GET" && path == kNext) {
    waiting_ = std::move(responder);
    InitDone init = std::move(on_init_);
    on_init_ = nullptr;
    DispatchLocked();
    lock.unlock();
    if (init) init(Status::Ok(), shared_from_this());
    return;
  }
  if (request.Method() == "POST" && path == kInitError) {
    InitDone init = std::move(on_init_);
    on_init_ = nullptr;
    if (process_) process_->AwaitDrained();  // the traceback it printed first is in the log
    lock.unlock();
    responder.Send(Accepted());
    if (init) init(Status(ErrorCode::kInvalidParameter, request.Body()), shared_from_this());
    return;
  }
  if (request.Method() == "POST" && path.substr(0, kInvocationPrefix.size()) == kInvocationPrefix) {
    std::string_view rest = path.substr(kInvocationPrefix.size());
    const std::size_t slash = rest.find('/');
    const std::string_view id = rest.substr(0, slash);
    const std::string_view kind = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    if ((kind != "response" && kind != "error") || id.empty()) {
      lock.unlock();
      responder.Send(ApiError(404, "NotFound", "no such Runtime API route"));
      return;
    }
    if (id != current_id_ || !done_) {
      lock.unlock();
      responder.Send(ApiError(400, "InvalidRequestID", "Invalid request ID"));
      return;
    }
    InvocationDone done = std::move(done_);
    done_ = nullptr;
    current_id_.clear();
    InvocationOutcome outcome;
    outcome.kind = kind == "response" ? InvocationOutcome::Kind::kResponse
                                      : InvocationOutcome::Kind::kFunctionError;
    outcome.payload = request.TakeBody();
    if (process_) {
      process_->AwaitDrained();  // what it printed before answering is in the pipe
      outcome.log = process_->LogSince(log_offset_);
    }
    lock.unlock();
    responder.Send(Accepted());
    done(std::move(outcome));
    return;
  }
  lock.unlock();
  responder.Send(ApiError(404, "NotFound", "no such Runtime API route"));
}

void Environment::Exited(int wait_status) {
  std::unique_lock<std::mutex> lock(mutex_);
  exited_ = true;
  InitDone init = std::move(on_init_);
  on_init_ = nullptr;
  InvocationDone done = std::move(done_);
  done_ = nullptr;
  const std::string log = process_ ? process_->LogSince(log_offset_) : std::string();
  const std::string id = pending_ ? pending_->request_id : current_id_;
  lock.unlock();
  if (init) {
    init(Status(ErrorCode::kInvalidParameter, ExitErrorDocument(wait_status, first_request_id_)),
         shared_from_this());
  }
  if (done) {
    done(InvocationOutcome{InvocationOutcome::Kind::kExited, ExitErrorDocument(wait_status, id), log});
  }
}

}  // namespace hr::exec
