#pragma once
// Scheduler: runs tasks when the server's clock reaches their time.
//
// The clock may be real, scaled or stepped by hand, so the scheduler does not sleep until a
// deadline: one background thread looks at the clock every `tick` (10 ms) and runs every task
// that is due, in due-time order. Tasks run on that thread and must be short; they may call
// At() (no lock is held while a task runs).
// Nothing runs before Start(): tasks scheduled earlier (while the server replays its journal)
// wait for it, so that no task runs concurrently with the replay that scheduled it.
// At() and Cancel() are safe from any thread. Stop() (and the destructor) stops the thread;
// tasks not yet due are dropped, and At() after Stop() keeps a task that never runs.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "base/clock.h"

namespace hr::server {

class Scheduler {
 public:
  // Names one scheduled task, for Cancel().
  struct TaskId {
    Timestamp when;
    std::uint64_t sequence = 0;
  };

  explicit Scheduler(const Clock& clock, Duration tick = Duration::Millis(10));
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Starts the thread that runs the tasks. REQUIRES: called at most once, before Stop().
  void Start();
  // Tasks due at the same time run in the order they were scheduled.
  TaskId At(Timestamp when, std::function<void()> task);
  // Drops `task` (destroying it on the calling thread) if it has not started to run; does
  // nothing otherwise. For a deadline that is usually not reached (an invocation's timeout),
  // so that finished work does not wait in the queue until then.
  void Cancel(TaskId task);
  // Joins the thread and drops the tasks not yet run. Idempotent; not from a task.
  void Stop();

 private:
  using Key = std::pair<Timestamp, std::uint64_t>;  // due time, then scheduling order

  void Run();

  const Clock& clock_;
  const Duration tick_;
  std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;                        // guarded by mutex_
  std::uint64_t next_sequence_ = 0;              // guarded by mutex_
  std::map<Key, std::function<void()>> tasks_;   // guarded by mutex_
  std::thread thread_;
};

}  // namespace hr::server
