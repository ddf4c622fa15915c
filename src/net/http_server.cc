#include "net/http_server.h"

#include <utility>

#include <boost/system/errc.hpp>

#include "net/connection_set.h"
#include "net/io_pool.h"
#include "net/listener.h"
#include "net/server_state.h"

namespace hr::net {

HttpServer::HttpServer(ServerOptions options)
    : state_(std::make_shared<ServerState>(std::move(options))) {}

HttpServer::~HttpServer() { Stop(std::chrono::milliseconds(0)); }

boost::system::error_code HttpServer::Start() {
  const ServerOptions& options = state_->options();
  if (!options.handler) return make_error_code(boost::system::errc::invalid_argument);
  pool_ = options.io_pool;
  own_pool_ = !pool_;
  if (own_pool_) pool_ = std::make_shared<IoPool>(options.io_threads);
  for (std::size_t i = 0; i < pool_->size(); ++i) {
    sets_.push_back(std::make_shared<ConnectionSet>(pool_->worker(i), state_));
  }
  listener_ = std::make_shared<Listener>(state_, pool_, sets_);
  if (const auto ec = listener_->Bind(options.host, options.port)) {
    listener_.reset();
    sets_.clear();
    if (own_pool_) pool_->Stop();
    pool_.reset();
    return ec;
  }
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
  for (const auto& set : sets_) set->BeginDrain();
  state_->WaitForNoConnections(deadline);
  for (const auto& set : sets_) set->AbortAll();
  if (own_pool_) pool_->Stop();
}

}  // namespace hr::net
