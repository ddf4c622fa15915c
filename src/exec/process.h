#pragma once
// Process: one execution environment's OS process. It is started in a process group of its
// own, in the given working directory, with exactly the given environment and rlimits, and
// its stdout and stderr captured together into a bounded log that callers can read by offset
// (an invocation's log is what the process wrote while it ran).
//
// A reader thread drains the output pipe; when the pipe closes it reaps the child and calls
// `on_exit` (on that thread) with the wait status. Kill() sends SIGKILL to the whole group.
// The destructor kills and joins, so no process outlives its Process.
//
// Thread-safe: Kill, LogSince and pid may be called from any thread.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"

namespace hr::exec {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is the program's path
  std::map<std::string, std::string> environment;
  std::string working_directory;
  std::uint64_t data_limit_bytes = 0;  // RLIMIT_DATA; 0: none
  std::uint64_t open_files = 1024;     // RLIMIT_NOFILE (Lambda's limit)
};

class Process {
 public:
  // Errors: kInternal when the process cannot be started (the program does not exist …).
  static StatusOr<std::unique_ptr<Process>> Start(ProcessSpec spec,
                                                  std::function<void(int wait_status)> on_exit);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  int pid() const { return pid_; }
  void Kill();
  // Takes into the log everything the process has written into the pipe so far, so that
  // LogSince sees it.
  void AwaitDrained();
  // Bytes written so far (an offset for LogSince).
  std::uint64_t LogOffset() const;
  // What the process wrote from `offset` on (the part still kept: the log keeps its last
  // 64 KiB).
  std::string LogSince(std::uint64_t offset) const;

 private:
  Process(int pid, int output_fd) : pid_(pid), output_fd_(output_fd) {}
  void ReadOutput(std::function<void(int)> on_exit);
  bool DrainLocked();

  const int pid_;
  const int output_fd_;
  mutable std::mutex mutex_;
  std::string log_;            // guarded by mutex_: the last kLogKeep bytes
  std::uint64_t written_ = 0;  // guarded by mutex_: total bytes ever written
  bool exited_ = false;        // guarded by mutex_
  bool closed_ = false;        // guarded by mutex_: output_fd_ is closed
  std::thread reader_;
};

}  // namespace hr::exec
