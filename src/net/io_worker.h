#pragma once
// IoWorker: one I/O thread with its own io_context. It owns the list of the connections that live
// on it and a periodic sweep that enforces their deadlines (limits.h), and it carries out the
// worker's part of a graceful stop.
//
// Created and driven by HttpServer. Connections hold a shared_ptr to their worker, so the
// io_context outlives every socket on it, even one kept alive by a Responder after the server
// has gone.
//
// Threads: Post() may be called from any thread; Start, BeginDrain, AbortAll and Finish from the
// thread that owns the server (never from an I/O thread); Current() from any thread; everything
// else only on this worker's own thread.

#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/intrusive/list.hpp>

#include "net/connection.h"
#include "net/server_state.h"

namespace hr::net {

class IoWorker {
 public:
  explicit IoWorker(std::shared_ptr<ServerState> state);
  // REQUIRES: Finish() has returned, or Start() was never called.
  ~IoWorker();
  IoWorker(const IoWorker&) = delete;
  IoWorker& operator=(const IoWorker&) = delete;

  // The worker running on the calling thread, or nullptr on any other thread.
  static IoWorker* Current();

  boost::asio::io_context& context() { return context_; }
  ServerState& state() { return *state_; }

  // Starts the thread and the deadline sweep.
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

  // Closes idle connections now; every other connection closes after its current response.
  // Asynchronous: returns before that is done.
  void BeginDrain();

  // Closes every connection now and stops the sweep. Asynchronous.
  void AbortAll();

  // Refuses further Post()s, lets queued work run out and joins the thread.
  // REQUIRES: AbortAll() was called (otherwise open connections keep the thread running).
  void Finish();

  // Worker thread only.
  bool draining() const { return draining_; }
  void Add(Connection& connection) { connections_.push_back(connection); }

 private:
  using ConnectionList =
      boost::intrusive::list<Connection, boost::intrusive::constant_time_size<false>>;

  void ScheduleSweep();
  // Calls fn(connection) on each connection; fn may close (unlink) the one it is given.
  template <typename Fn>
  void ForEachConnection(Fn fn);

  const std::shared_ptr<ServerState> state_;
  boost::asio::io_context context_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;

  // Worker thread only.
  boost::asio::steady_timer sweep_timer_;
  ConnectionList connections_;  // Connections unlink themselves when they close.
  bool draining_ = false;
  bool aborted_ = false;  // AbortAll ran: the sweep must not re-arm

  std::mutex post_mu_;
  bool finished_ = false;  // guarded by post_mu_
};

}  // namespace hr::net
