#include "net/listener.h"

#include <chrono>
#include <future>
#include <string>
#include <utility>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/system/errc.hpp>

#include "net/connection.h"
#include "net/http_date.h"
#include "net/response_serializer.h"

namespace hr::net {
namespace {

using boost::system::error_code;
using tcp = boost::asio::ip::tcp;

// Out of descriptors or memory: accepting again at once would spin.
bool IsResourceExhaustion(const error_code& ec) {
  using boost::system::errc::errc_t;
  return ec == errc_t::too_many_files_open || ec == errc_t::too_many_files_open_in_system ||
         ec == errc_t::no_buffer_space || ec == errc_t::not_enough_memory;
}

constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(50);

}  // namespace

Listener::Listener(std::shared_ptr<ServerState> state, std::shared_ptr<IoPool> pool,
                   std::vector<std::shared_ptr<ConnectionSet>> sets)
    : state_(std::move(state)),
      pool_(std::move(pool)),
      sets_(std::move(sets)),
      home_(pool_->worker(pool_->NextWorker())),
      acceptor_(home_->context()),
      retry_timer_(home_->context()) {}

error_code Listener::Bind(const std::string& host, std::uint16_t port) {
  error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (ec) return ec;
  const tcp::endpoint endpoint(address, port);
  if (acceptor_.open(endpoint.protocol(), ec)) return ec;
  if (acceptor_.set_option(tcp::acceptor::reuse_address(true), ec)) return ec;
  if (acceptor_.bind(endpoint, ec)) return ec;
  if (acceptor_.listen(boost::asio::socket_base::max_listen_connections, ec)) return ec;
  port_ = acceptor_.local_endpoint(ec).port();
  return ec;
}

void Listener::Start() {
  home_->Post([self = shared_from_this()] { self->Accept(); });
}

void Listener::Accept() {
  const std::shared_ptr<ConnectionSet>& set = sets_[pool_->NextWorker()];
  acceptor_.async_accept(set->worker()->context(),
                         [self = shared_from_this(), set](const error_code& ec, tcp::socket socket) {
                           self->OnAccept(ec, std::move(socket), set);
                         });
}

void Listener::OnAccept(const error_code& ec, tcp::socket socket,
                        const std::shared_ptr<ConnectionSet>& set) {
  if (!acceptor_.is_open()) return;  // closed by Close()
  if (IsResourceExhaustion(ec)) {
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([self = shared_from_this()](const error_code& timer_ec) {
      if (!timer_ec && self->acceptor_.is_open()) self->Accept();
    });
    return;
  }
  if (!ec) {
    if (state_->TryAddConnection()) {
      set->worker()->Post([connection = std::make_shared<Connection>(set, std::move(socket))] {
        connection->Start();
      });
    } else {
      Reject(socket);
    }
  }
  Accept();  // after a per-connection error (e.g. the peer reset before accept) too
}

void Listener::Reject(tcp::socket& socket) {
  // Best effort and without blocking this thread: the 503 fits any socket send buffer.
  const Response response = state_->RenderError(503, "Too many connections");
  std::string bytes;
  AppendHead(response, Framing{.close = true}, CurrentHttpDate(), &bytes);
  bytes += response.body;
  error_code ignored;
  socket.non_blocking(true, ignored);
  socket.send(boost::asio::buffer(bytes), 0, ignored);
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  // Read what already arrived, so that close() does not turn into a reset that could destroy
  // the 503 before the client reads it.
  char sink[4096];
  for (int i = 0; i < 16 && socket.receive(boost::asio::buffer(sink), 0, ignored) > 0; ++i) {
  }
  socket.close(ignored);
}

void Listener::Close() {
  std::promise<void> closed;
  const auto close = [this, &closed] {
    error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
    closed.set_value();
  };
  // Once the pool is stopping, nothing is accepted any more; the socket closes with the listener.
  if (home_->Post(close)) closed.get_future().wait();
}

}  // namespace hr::net
