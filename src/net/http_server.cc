#include "net/http_server.h"

#include <algorithm>
#include <thread>
#include <utility>

#include <boost/system/errc.hpp>

#include "net/io_worker.h"
#include "net/listener.h"
#include "net/server_state.h"

namespace hr::net {

HttpServer::HttpServer(ServerOptions options)
    : state_(std::make_shared<ServerState>(std::move(options))) {}

HttpServer::~HttpServer() { Stop(std::chrono::milliseconds(0)); }

boost::system::error_code HttpServer::Start() {
  const ServerOptions& options = state_->options();
  if (!options.handler) return make_error_code(boost::system::errc::invalid_argument);
  const unsigned threads =
      options.io_threads > 0 ? options.io_threads : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < threads; ++i) workers_.push_back(std::make_shared<IoWorker>(state_));
  listener_ = std::make_unique<Listener>(state_, workers_);
  if (const auto ec = listener_->Bind(options.host, options.port)) {
    listener_.reset();
    workers_.clear();
    return ec;
  }
  for (const auto& worker : workers_) worker->Start();
  listener_->Start();
  running_ = true;
  return {};
}

std::uint16_t HttpServer::port() const { return listener_->port(); }

std::size_t HttpServer::connections() const { return state_->connections(); }

void HttpServer::Stop(std::chrono::milliseconds grace) {
  if (!running_) return;
  running_ = false;
  const auto deadline = std::chrono::steady_clock::now() + grace;
  listener_->Close();
  for (const auto& worker : workers_) worker->BeginDrain();
  state_->WaitForNoConnections(deadline);
  for (const auto& worker : workers_) worker->AbortAll();
  for (const auto& worker : workers_) worker->Finish();
}

}  // namespace hr::net
