#pragma once
// WorkQueue: one background thread that runs posted tasks in the order they were posted.
//
// For blocking work that must not run on an I/O thread or on the scheduler's thread: Execution
// starts processes (unpacking code, fork and exec) on one, so that putting a provisioned
// concurrency config of 100 environments answers at once and no connection waits behind it.
// Post() is safe from any thread, including from a task. Stop() (and the destructor) lets the
// running task finish, drops the rest (destroying them on the stopping thread) and joins; Post()
// after Stop() drops the task. Not to be stopped from one of its own tasks.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace hr::server {

class WorkQueue {
 public:
  WorkQueue();
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void Post(std::function<void()> task);
  void Stop();

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;                     // guarded by mutex_
  std::deque<std::function<void()>> tasks_;   // guarded by mutex_
  std::thread thread_;
};

}  // namespace hr::server
