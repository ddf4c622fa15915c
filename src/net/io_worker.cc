#include "net/io_worker.h"

#include <cassert>

namespace hr::net {
namespace {

thread_local IoWorker* current_worker = nullptr;

}  // namespace

IoWorker::IoWorker()
    : context_(1),  // one thread runs it: lets Asio skip some cross-thread wake-ups
      work_(boost::asio::make_work_guard(context_)) {}

IoWorker::~IoWorker() { assert(!thread_.joinable()); }

IoWorker* IoWorker::Current() { return current_worker; }

void IoWorker::Start() {
  thread_ = std::thread([this] {
    current_worker = this;
    context_.run();
    current_worker = nullptr;
    ran_out_.set_value();
  });
}

void IoWorker::Finish() {
  {
    std::lock_guard<std::mutex> lock(post_mu_);
    finished_ = true;
  }
  work_.reset();
  if (!thread_.joinable()) return;
  if (ran_out_.get_future().wait_for(kFinishGrace) == std::future_status::timeout) context_.stop();
  thread_.join();
}

}  // namespace hr::net
