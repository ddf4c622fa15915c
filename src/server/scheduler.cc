#include "server/scheduler.h"

#include <chrono>
#include <vector>

namespace hr::server {

Scheduler::Scheduler(const Clock& clock, Duration tick)
    : clock_(clock), tick_(tick) {}

void Scheduler::Start() { thread_ = std::thread([this] { Run(); }); }

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::map<Key, std::function<void()>> dropped;
  std::lock_guard<std::mutex> lock(mutex_);
  dropped.swap(tasks_);
}

Scheduler::TaskId Scheduler::At(Timestamp when, std::function<void()> task) {
  std::lock_guard<std::mutex> lock(mutex_);
  const TaskId id{when, next_sequence_++};
  tasks_.emplace(Key{id.when, id.sequence}, std::move(task));
  return id;
}

void Scheduler::Cancel(TaskId task) {
  std::function<void()> dropped;  // destroyed after the lock is released
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = tasks_.find(Key{task.when, task.sequence});
  if (it == tasks_.end()) return;
  dropped = std::move(it->second);
  tasks_.erase(it);
}

void Scheduler::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    std::vector<std::function<void()>> due;
    const Timestamp now = clock_.Now();
    while (!tasks_.empty() && tasks_.begin()->first.first <= now) {
      due.push_back(std::move(tasks_.begin()->second));
      tasks_.erase(tasks_.begin());
    }
    if (!due.empty()) {
      lock.unlock();
      for (auto& task : due) task();
      due.clear();  // a task's captures may call At() as they go: not under the lock
      lock.lock();
      continue;
    }
    stop_cv_.wait_for(lock, std::chrono::nanoseconds(tick_.nanos()), [this] { return stopping_; });
  }
}

}  // namespace hr::server
