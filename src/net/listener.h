#pragma once
// Listener: the one listening socket of an HttpServer. It accepts connections and deals them out
// to the pool's I/O workers round-robin (IoPool::NextWorker, shared by every server on the
// pool), each accept creating the socket directly on the target worker's io_context; over
// Limits::max_connections it answers 503 and closes instead.
//
// Why one acceptor and round-robin rather than an SO_REUSEPORT acceptor per thread: on this
// 2-core machine they measured the same (wrk -t1 -c64, 7 interleaved rounds, medians:
// keep-alive 64.4k vs 63.1k req/s; a new connection per request 15.9k vs 15.8k req/s), so the
// other properties decide. Round-robin balances connections exactly, where the REUSEPORT hash
// splits them by chance (64 connections land 32 +/- 4 per thread); a second server bound to the same port fails with EADDRINUSE
// instead of silently sharing it; and closing the one acceptor on Stop() strands no connection
// in a sibling listener's backlog. The price, one post per new connection, does not show.
//
// Created by HttpServer, owned by shared_ptr (its pending accept holds one, so a completion
// that runs after the server has gone is harmless). Bind and port on the owner's thread before
// Start; Start and Close from the owner's thread (never an I/O thread); accepting itself runs on
// the thread of one worker, picked when the listener is made.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include "net/connection_set.h"
#include "net/io_pool.h"
#include "net/server_state.h"

namespace hr::net {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // `sets` holds the server's ConnectionSet of each of pool's workers, in the pool's order.
  Listener(std::shared_ptr<ServerState> state, std::shared_ptr<IoPool> pool,
           std::vector<std::shared_ptr<ConnectionSet>> sets);

  // Opens, binds and listens. Returns the failure (bad address, port in use, ...) or success.
  boost::system::error_code Bind(const std::string& host, std::uint16_t port);

  // The bound port. REQUIRES: Bind succeeded.
  std::uint16_t port() const { return port_; }

  // Starts accepting. REQUIRES: Bind succeeded and the workers are running.
  void Start();

  // Stops accepting and returns once the listening socket is closed. Any connection accepted
  // before has already been handed to its worker. On a pool that is stopping it returns at
  // once: nothing is accepted any more, and the socket closes with the listener.
  void Close();

 private:
  void Accept();
  void OnAccept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket,
                const std::shared_ptr<ConnectionSet>& set);
  void Reject(boost::asio::ip::tcp::socket& socket);

  const std::shared_ptr<ServerState> state_;
  const std::shared_ptr<IoPool> pool_;
  const std::vector<std::shared_ptr<ConnectionSet>> sets_;
  const std::shared_ptr<IoWorker> home_;  // the worker accepting runs on
  std::uint16_t port_ = 0;

  // home_'s thread only, after Start.
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;  // backs off after EMFILE and the like
};

}  // namespace hr::net
