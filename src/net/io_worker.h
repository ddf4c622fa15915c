#pragma once
// IoWorker: one I/O thread with its own io_context. The sockets and timers of the connections
// that live on it run there, so their state needs no locks.
//
// Created and started by an IoPool. Connections hold a shared_ptr to their worker, so the
// io_context outlives every socket on it, even one kept alive by a Responder after its server
// (or the whole pool) has stopped.
//
// Threads: Post() and Current() may be called from any thread; Start and Finish from the thread
// that owns the pool (never from an I/O thread); context() from any thread, to create sockets
// and timers on it.

#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace hr::net {

class IoWorker {
 public:
  IoWorker();
  // REQUIRES: Finish() has returned, or Start() was never called.
  ~IoWorker();
  IoWorker(const IoWorker&) = delete;
  IoWorker& operator=(const IoWorker&) = delete;

  // The worker running on the calling thread, or nullptr on any other thread.
  static IoWorker* Current();

  boost::asio::io_context& context() { return context_; }

  // Starts the thread.
  void Start();

  // Queues `fn` to run on this worker's thread. Returns false, dropping `fn` (destroyed by the
  // caller), once Finish() has begun.
  template <typename Fn>
  bool Post(Fn&& fn) {
    std::lock_guard<std::mutex> lock(post_mu_);
    if (finished_) return false;
    boost::asio::post(context_, std::forward<Fn>(fn));
    return true;
  }

  // Refuses further Post()s, lets the queued and pending work run out and joins the thread.
  // Every server on the worker should have stopped: the open sockets of one that has not would
  // keep the thread running, so after kFinishGrace their operations are abandoned (never
  // completed) and the thread stops anyway.
  void Finish();

  static constexpr std::chrono::seconds kFinishGrace{2};

 private:
  boost::asio::io_context context_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::promise<void> ran_out_;  // set when the thread's run() returns

  std::mutex post_mu_;
  bool finished_ = false;  // guarded by post_mu_
};

}  // namespace hr::net
