#include "net/connection_set.h"

#include <chrono>
#include <future>
#include <utility>

namespace hr::net {

ConnectionSet::ConnectionSet(std::shared_ptr<IoWorker> worker, std::shared_ptr<ServerState> state)
    : worker_(std::move(worker)), state_(std::move(state)), sweep_timer_(worker_->context()) {}

void ConnectionSet::Add(Connection& connection) {
  connections_.push_back(connection);
  if (!sweeping_ && !aborted_) ScheduleSweep();
}

void ConnectionSet::ScheduleSweep() {
  sweeping_ = true;
  sweep_timer_.expires_after(state_->sweep_interval());
  sweep_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    self->sweeping_ = false;
    if (ec || self->aborted_) return;  // stopped by AbortAll (which may run after the timer fired)
    const auto now = std::chrono::steady_clock::now();
    self->ForEachConnection([now](Connection& connection) { connection.CheckDeadline(now); });
    if (!self->connections_.empty()) self->ScheduleSweep();  // Add() re-arms it otherwise
  });
}

template <typename Fn>
void ConnectionSet::ForEachConnection(Fn fn) {
  for (auto it = connections_.begin(); it != connections_.end();) {
    Connection& connection = *it++;
    fn(connection);
  }
}

void ConnectionSet::BeginDrain() {
  worker_->Post([self = shared_from_this()] {
    self->draining_ = true;
    self->ForEachConnection([](Connection& connection) { connection.Drain(); });
  });
}

void ConnectionSet::AbortAll() {
  std::promise<void> done;
  const bool posted = worker_->Post([this, &done] {
    draining_ = true;
    aborted_ = true;
    sweep_timer_.cancel();
    ForEachConnection([](Connection& connection) { connection.Close(); });
    done.set_value();
  });
  if (posted) done.get_future().wait();
}

}  // namespace hr::net
