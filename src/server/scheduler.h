#pragma once
// Scheduler: runs tasks when the server's clock reaches their time.
//
// The clock may be real, scaled or stepped by hand, so the scheduler does not sleep until a
// deadline: one background thread looks at the clock every `tick` (10 ms) and runs every task
// that is due, in due-time order. Tasks run on that thread and must be short; they may call
// At() (no lock is held while a task runs).
// At() is safe from any thread. Stop() (and the destructor) stops the thread; tasks not yet
// due are dropped, and At() after Stop() keeps a task that never runs.

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "base/clock.h"

namespace hr::server {

class Scheduler {
 public:
  explicit Scheduler(const Clock& clock, Duration tick = Duration::Millis(10));
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void At(Timestamp when, std::function<void()> task);
  // Joins the thread and drops the tasks not yet run. Idempotent; not from a task.
  void Stop();

 private:
  void Run();

  const Clock& clock_;
  const Duration tick_;
  std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;                                  // guarded by mutex_
  std::multimap<Timestamp, std::function<void()>> tasks_;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace hr::server
