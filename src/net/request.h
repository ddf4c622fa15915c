#pragma once
// Request: one complete HTTP request as the server hands it to the Handler. It owns its data
// (method, raw target, headers, body, peer address), so a handler may move it to another thread.
// Not thread-safe: one owner at a time.

#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace hr::net {

class Request {
 public:
  using Message = boost::beast::http::request<boost::beast::http::string_body>;

  Request(Message message, boost::asio::ip::tcp::endpoint remote)
      : message_(std::move(message)), remote_(std::move(remote)) {}

  // The method token exactly as sent, e.g. "POST". Verb() is the parsed form (verb::unknown for
  // an extension method).
  std::string_view Method() const { return message_.method_string(); }
  boost::beast::http::verb Verb() const { return message_.method(); }

  // The request-target exactly as sent: not percent-decoded, query string included.
  std::string_view Target() const { return message_.target(); }

  // 10 for HTTP/1.0, 11 for HTTP/1.1.
  unsigned Version() const { return message_.version(); }

  // The first value of header `name` (case-insensitive), or "" when it is absent.
  std::string_view Header(std::string_view name) const {
    const auto it = message_.find(name);
    if (it == message_.end()) return {};
    return it->value();
  }

  // All header fields in arrival order, for callers that must see every one (SigV4).
  const boost::beast::http::fields& Headers() const { return message_.base(); }

  // The body, with any chunked transfer coding removed.
  const std::string& Body() const { return message_.body(); }
  std::string TakeBody() { return std::move(message_.body()); }

  // The peer's address and port.
  const boost::asio::ip::tcp::endpoint& Remote() const { return remote_; }

 private:
  Message message_;
  boost::asio::ip::tcp::endpoint remote_;
};

}  // namespace hr::net
