#pragma once
// ConnectionSet: the connections one HttpServer has on one IoWorker, the periodic sweep that
// enforces their deadlines (limits.h), and that worker's part of the server's graceful stop.
// Each server has one per worker of its pool, so servers sharing a pool stop, drain and time
// out only their own connections.
//
// Created by HttpServer. Connections hold a shared_ptr to their set (and so to its worker and
// the server's state); the sweep holds one while it is armed. The sweep runs only while the set
// holds a connection, so an idle server costs its pool nothing.
//
// Threads: BeginDrain and AbortAll from the thread that owns the server (never an I/O thread);
// worker() and state() from any thread; draining() and Add() only on the worker's thread.

#include <memory>

#include <boost/asio/steady_timer.hpp>
#include <boost/intrusive/list.hpp>

#include "net/connection.h"
#include "net/io_worker.h"
#include "net/server_state.h"

namespace hr::net {

class ConnectionSet : public std::enable_shared_from_this<ConnectionSet> {
 public:
  ConnectionSet(std::shared_ptr<IoWorker> worker, std::shared_ptr<ServerState> state);
  ConnectionSet(const ConnectionSet&) = delete;
  ConnectionSet& operator=(const ConnectionSet&) = delete;

  const std::shared_ptr<IoWorker>& worker() const { return worker_; }
  ServerState& state() const { return *state_; }

  // Closes idle connections now; every other connection closes after its current response.
  // Asynchronous: returns before that is done.
  void BeginDrain();

  // Closes every connection now and stops the sweep; returns once that has run on the worker
  // (at once if the worker has finished). Afterwards no connection of the set reaches the
  // handler again.
  void AbortAll();

  // Worker thread only.
  bool draining() const { return draining_; }
  // Registers a connection that has started; it unlinks itself when it closes.
  void Add(Connection& connection);

 private:
  using ConnectionList =
      boost::intrusive::list<Connection, boost::intrusive::constant_time_size<false>>;

  void ScheduleSweep();
  // Calls fn(connection) on each connection; fn may close (unlink) the one it is given.
  template <typename Fn>
  void ForEachConnection(Fn fn);

  const std::shared_ptr<IoWorker> worker_;
  const std::shared_ptr<ServerState> state_;

  // Worker thread only.
  boost::asio::steady_timer sweep_timer_;
  ConnectionList connections_;
  bool sweeping_ = false;  // the sweep timer is armed
  bool draining_ = false;
  bool aborted_ = false;  // AbortAll ran: the sweep must not re-arm
};

}  // namespace hr::net
