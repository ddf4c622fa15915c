#include "net/io_pool.h"

#include <algorithm>
#include <thread>

namespace hr::net {
namespace {

std::vector<std::shared_ptr<IoWorker>> MakeWorkers(unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::shared_ptr<IoWorker>> workers;
  for (unsigned i = 0; i < threads; ++i) workers.push_back(std::make_shared<IoWorker>());
  return workers;
}

}  // namespace

IoPool::IoPool(unsigned threads) : workers_(MakeWorkers(threads)) {
  for (const auto& worker : workers_) worker->Start();
}

IoPool::~IoPool() { Stop(); }

std::size_t IoPool::NextWorker() {
  return next_.fetch_add(1, std::memory_order_relaxed) % workers_.size();
}

void IoPool::Stop() {
  if (stopped_.exchange(true)) return;
  for (const auto& worker : workers_) worker->Finish();
}

}  // namespace hr::net
