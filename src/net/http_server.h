#pragma once
// HttpServer: headroom's HTTP/1.1 server, the plumbing under every AWS endpoint. It listens on
// one address and runs on a pool of I/O threads (io_pool.h: its own, or one shared with other
// servers), each with its own io_context; connections are dealt out to them round-robin and
// stay on one thread for life. It hands every complete request to ServerOptions::handler, which
// answers through a Responder, at once or later from any thread. It knows nothing of AWS:
// routing, payload shapes and error shapes live above it (the ErrorRenderer and BodyLimit hooks
// let that layer shape the server's own rejections).
//
// See limits.h for the bounds enforced on clients and server_options.h for the callbacks'
// threading contracts.
//
// Threads: construct, Start, Stop and destroy on one owner thread, never from a handler or any
// other I/O-thread callback of its pool (Stop waits for those threads). port() and
// connections() may be called from any thread once Start has returned.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <boost/system/error_code.hpp>

#include "net/server_options.h"

namespace hr::net {

class ConnectionSet;
class Listener;
class ServerState;

class HttpServer {
 public:
  explicit HttpServer(ServerOptions options);
  // Stop(0) if still running: in-flight requests are cut off.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds host:port and starts serving (starting the server's own I/O threads when it has no
  // shared pool). Returns success, invalid_argument when options.handler is empty, or the bind
  // failure (bad address, port in use, ...); after a failure the server holds no socket and no
  // threads of its own. REQUIRES: not started before; a shared pool still running.
  boost::system::error_code Start();

  // The bound port (the ephemeral one when options.port was 0). REQUIRES: Start succeeded.
  std::uint16_t port() const;

  // Connections currently open.
  std::size_t connections() const;

  // Graceful stop: stops accepting at once, closes idle keep-alive connections, lets requests
  // already being read or handled finish and answers them with "Connection: close", waiting at
  // most `grace`; then closes whatever is left. Returns once no connection of this server is
  // open and its handler is not running and will not be called again (its own I/O threads,
  // if it has them, joined). Responses sent later through outstanding Responders are dropped.
  // Does nothing if the server is not running.
  void Stop(std::chrono::milliseconds grace);

 private:
  const std::shared_ptr<ServerState> state_;
  std::shared_ptr<IoPool> pool_;
  bool own_pool_ = false;  // pool_ was made by Start: Stop stops it
  std::vector<std::shared_ptr<ConnectionSet>> sets_;  // one per worker of pool_
  std::shared_ptr<Listener> listener_;
  bool running_ = false;
};

}  // namespace hr::net
