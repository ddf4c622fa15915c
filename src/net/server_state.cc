#include "net/server_state.h"

#include <algorithm>
#include <string>
#include <utility>

namespace hr::net {
namespace {

std::chrono::milliseconds SweepInterval(const Limits& limits) {
  const auto shortest = std::min({limits.idle_timeout, limits.header_timeout, limits.body_timeout,
                                  limits.send_timeout, limits.linger_timeout});
  return std::clamp(shortest / 8, std::chrono::milliseconds(5), std::chrono::milliseconds(250));
}

}  // namespace

ServerState::ServerState(ServerOptions options)
    : options_(std::move(options)), sweep_interval_(SweepInterval(options_.limits)) {}

Response ServerState::RenderError(unsigned status, std::string_view reason) const {
  Response response;
  if (options_.render_error) {
    response = options_.render_error(status, reason);
  } else {
    response.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
    response.body = std::string(reason);
  }
  response.status = status;
  return response;
}

bool ServerState::TryAddConnection() {
  if (connections_.load(std::memory_order_relaxed) >= options_.limits.max_connections) {
    return false;
  }
  connections_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void ServerState::RemoveConnection() {
  if (connections_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    std::lock_guard<std::mutex> lock(mu_);
    no_connections_.notify_all();
  }
}

bool ServerState::WaitForNoConnections(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return no_connections_.wait_until(lock, deadline, [this] {
    return connections_.load(std::memory_order_acquire) == 0;
  });
}

}  // namespace hr::net
