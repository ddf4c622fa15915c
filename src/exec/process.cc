#include "exec/process.h"

#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hr::exec {
namespace {

constexpr std::size_t kLogKeep = 64 * 1024;

// In the child, between fork and exec: every descriptor above stderr closes at exec (the
// exec-error pipe must stay open until then). Async-signal-safe: system calls only.
void CloseInheritedDescriptors() {
  if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  struct rlimit files {};
  getrlimit(RLIMIT_NOFILE, &files);
  const rlim_t last = files.rlim_cur == RLIM_INFINITY || files.rlim_cur > 65536 ? 65536 : files.rlim_cur;
  for (int fd = 3; fd < static_cast<int>(last); ++fd) fcntl(fd, F_SETFD, FD_CLOEXEC);
}

}  // namespace

StatusOr<std::unique_ptr<Process>> Process::Start(ProcessSpec spec,
                                                  std::function<void(int)> on_exit) {
  if (spec.argv.empty()) return Status(ErrorCode::kInternal, "no program to run");
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : spec.environment) env_strings.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& a : spec.argv) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return Status(ErrorCode::kInternal, "pipe: " + std::string(strerror(errno)));
  int exec_error[2];  // reports a failed exec to the parent
  if (pipe2(exec_error, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    return Status(ErrorCode::kInternal, "pipe: " + std::string(strerror(errno)));
  }
  const pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {out[0], out[1], exec_error[0], exec_error[1]}) close(fd);
    return Status(ErrorCode::kInternal, "fork: " + std::string(strerror(errno)));
  }
  if (pid == 0) {
    setpgid(0, 0);
    dup2(out[1], STDOUT_FILENO);
    dup2(out[1], STDERR_FILENO);
    const int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, STDIN_FILENO);
    if (!spec.working_directory.empty() && chdir(spec.working_directory.c_str()) != 0) {
      const int e = errno;
      (void)!write(exec_error[1], &e, sizeof(e));
      _exit(127);
    }
    struct rlimit files {spec.open_files, spec.open_files};
    setrlimit(RLIMIT_NOFILE, &files);
    struct rlimit core {0, 0};
    setrlimit(RLIMIT_CORE, &core);
    if (spec.data_limit_bytes) {
      struct rlimit data {spec.data_limit_bytes, spec.data_limit_bytes};
      setrlimit(RLIMIT_DATA, &data);
    }
    // Only stdin, stdout and stderr reach the program: the server's sockets (its listener,
    // clients' connections, other environments' Runtime API connections) and its database are
    // not inherited. An inherited connection would outlive a killed server: its client would
    // wait for an answer that never comes, and environments would wait on each other's
    // Runtime API sockets instead of seeing them close.
    CloseInheritedDescriptors();
    // A server that dies must not leave its environments behind.
    signal(SIGPIPE, SIG_DFL);
    execve(argv[0], argv.data(), envp.data());
    const int e = errno;
    (void)!write(exec_error[1], &e, sizeof(e));
    _exit(127);
  }
  setpgid(pid, pid);  // also from the parent, so Kill() works whichever runs first
  close(out[1]);
  fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
  close(exec_error[1]);
  int child_errno = 0;
  const ssize_t n = read(exec_error[0], &child_errno, sizeof(child_errno));
  close(exec_error[0]);
  std::unique_ptr<Process> process(new Process(pid, out[0]));
  if (n == sizeof(child_errno)) {
    int status = 0;
    waitpid(pid, &status, 0);
    close(out[0]);
    process->exited_ = true;
    return Status(ErrorCode::kInternal,
                  "cannot run " + spec.argv[0] + ": " + std::string(strerror(child_errno)));
  }
  process->reader_ = std::thread([p = process.get(), on_exit = std::move(on_exit)]() mutable {
    p->ReadOutput(std::move(on_exit));
  });
  return process;
}

// Reads what is in the pipe now, under mutex_ (so bytes are appended in order whoever reads).
// Returns false at end of file or on an error.
bool Process::DrainLocked() {
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(output_fd_, buffer, sizeof(buffer));
    if (n > 0) {
      log_.append(buffer, static_cast<std::size_t>(n));
      written_ += static_cast<std::uint64_t>(n);
      if (log_.size() > 2 * kLogKeep) log_.erase(0, log_.size() - kLogKeep);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

void Process::ReadOutput(std::function<void(int)> on_exit) {
  for (;;) {
    pollfd p{output_fd_, POLLIN, 0};
    if (poll(&p, 1, -1) < 0 && errno != EINTR) break;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!DrainLocked()) break;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    close(output_fd_);
    closed_ = true;
  }
  // The pipe closes when every process of the group has closed it; the runtime itself may
  // have exited earlier, so reap it (blocking only on our own child).
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    exited_ = true;
  }
  if (on_exit) on_exit(status);
}

void Process::AwaitDrained() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!closed_) DrainLocked();
}

void Process::Kill() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!exited_) kill(-pid_, SIGKILL);
}

Process::~Process() {
  Kill();
  if (reader_.joinable()) {
    if (reader_.get_id() == std::this_thread::get_id()) {
      reader_.detach();  // destroyed from its own on_exit: the thread ends right after
    } else {
      reader_.join();
    }
  }
}

std::uint64_t Process::LogOffset() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return written_;
}

std::string Process::LogSince(std::uint64_t offset) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::uint64_t kept_from = written_ - log_.size();
  if (offset < kept_from) offset = kept_from;
  if (offset >= written_) return {};
  return log_.substr(static_cast<std::size_t>(offset - kept_from));
}

}  // namespace hr::exec
