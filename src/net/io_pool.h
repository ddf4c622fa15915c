#pragma once
// IoPool: the I/O threads HttpServers run on. Every server on a pool shares its threads: each
// connection, whichever server accepted it, lives on one of the pool's workers for life. A
// process that serves many small endpoints (headroom gives every execution environment a
// Runtime API endpoint of its own) runs them all on a few threads instead of a thread each,
// and a request that is answered from another server's connection on the same thread (an
// Invoke answered by its runtime's response) needs no thread hop.
//
// An HttpServer started without a pool makes one of its own (ServerOptions::io_threads).
//
// Threads: construct, Stop and destroy on one owner thread, never on one of the pool's own;
// size(), worker() and NextWorker() from any thread.

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "net/io_worker.h"

namespace hr::net {

class IoPool {
 public:
  // Starts `threads` I/O threads; 0: std::thread::hardware_concurrency() (at least one).
  explicit IoPool(unsigned threads);
  // Stop().
  ~IoPool();
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  std::size_t size() const { return workers_.size(); }
  const std::shared_ptr<IoWorker>& worker(std::size_t index) const { return workers_[index]; }

  // The index of the worker that the next new connection (of any server on the pool) should
  // live on: round-robin, so connections spread evenly over the threads.
  std::size_t NextWorker();

  // Lets the work run out and joins the threads. Idempotent (the first call joins; later ones
  // return at once). Meant for after every HttpServer on the pool has stopped: the connections
  // of one still running are abandoned after IoWorker::kFinishGrace, neither served nor closed.
  // REQUIRES: not on one of the pool's threads.
  void Stop();

 private:
  const std::vector<std::shared_ptr<IoWorker>> workers_;
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace hr::net
