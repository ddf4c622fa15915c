#pragma once
// ServerState: what an HttpServer shares with its I/O workers, listener and connections: the
// options (immutable once the server has started) and the count of open connections, which
// enforces Limits::max_connections and lets Stop() wait for the last one to close.
// Every method may be called from any thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string_view>

#include "net/response.h"
#include "net/server_options.h"

namespace hr::net {

class ServerState {
 public:
  explicit ServerState(ServerOptions options);

  const ServerOptions& options() const { return options_; }

  // The error response for `status`, from options().render_error or the default text/plain one.
  // Its status is forced to `status`.
  Response RenderError(unsigned status, std::string_view reason) const;

  // How often each I/O thread checks its connections' deadlines (see limits.h).
  std::chrono::milliseconds sweep_interval() const { return sweep_interval_; }

  std::size_t connections() const { return connections_.load(std::memory_order_relaxed); }

  // Counts a new connection. Returns false, counting nothing, at max_connections.
  // REQUIRES: only the listener calls it (check-then-add must not race with another adder).
  bool TryAddConnection();

  // Uncounts a connection that has closed.
  void RemoveConnection();

  // Blocks until no connection is open or `deadline` passes. Returns true if none is open.
  bool WaitForNoConnections(std::chrono::steady_clock::time_point deadline);

 private:
  const ServerOptions options_;
  const std::chrono::milliseconds sweep_interval_;
  std::atomic<std::size_t> connections_{0};
  std::mutex mu_;  // pairs with no_connections_; guards no data
  std::condition_variable no_connections_;  // notified when connections_ drops to 0
};

}  // namespace hr::net
