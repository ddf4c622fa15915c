#include "net/io_worker.h"

#include <cassert>
#include <chrono>

namespace hr::net {
namespace {

thread_local IoWorker* current_worker = nullptr;

}  // namespace

IoWorker::IoWorker(std::shared_ptr<ServerState> state)
    : state_(std::move(state)),
      context_(1),  // one thread runs it: lets Asio skip some cross-thread wake-ups
      work_(boost::asio::make_work_guard(context_)),
      sweep_timer_(context_) {}

IoWorker::~IoWorker() { assert(!thread_.joinable()); }

IoWorker* IoWorker::Current() { return current_worker; }

void IoWorker::Start() {
  ScheduleSweep();
  thread_ = std::thread([this] {
    current_worker = this;
    context_.run();
    current_worker = nullptr;
  });
}

void IoWorker::ScheduleSweep() {
  sweep_timer_.expires_after(state_->sweep_interval());
  sweep_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || aborted_) return;  // stopped by AbortAll (which may run after the timer fired)
    const auto now = std::chrono::steady_clock::now();
    ForEachConnection([now](Connection& connection) { connection.CheckDeadline(now); });
    ScheduleSweep();
  });
}

template <typename Fn>
void IoWorker::ForEachConnection(Fn fn) {
  for (auto it = connections_.begin(); it != connections_.end();) {
    Connection& connection = *it++;
    fn(connection);
  }
}

void IoWorker::BeginDrain() {
  Post([this] {
    draining_ = true;
    ForEachConnection([](Connection& connection) { connection.Drain(); });
  });
}

void IoWorker::AbortAll() {
  Post([this] {
    draining_ = true;
    aborted_ = true;
    sweep_timer_.cancel();
    ForEachConnection([](Connection& connection) { connection.Close(); });
  });
}

void IoWorker::Finish() {
  {
    std::lock_guard<std::mutex> lock(post_mu_);
    finished_ = true;
  }
  work_.reset();
  if (thread_.joinable()) thread_.join();
}

}  // namespace hr::net
