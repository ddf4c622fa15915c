#pragma once
// Connection: one accepted HTTP/1.1 connection. It reads one request at a time, hands it to the
// handler with a Responder, writes the answer, and repeats (keep-alive; pipelined requests are
// answered in order because the next one is not parsed before the current one is answered). It
// handles "Expect: 100-continue", chunked bodies, HEAD and "Connection: close", enforces Limits
// and deadlines, and turns bad input into a 4xx (or a silent close), never anything worse.
//
// Internal to net. Created by Listener; afterwards every method except Deliver runs on its
// IoWorker's thread, which serialises all access to its state (no locks). Owned by shared_ptr:
// by its pending socket operation, or by the Responder while the handler works, so it lives
// until both are done; it keeps its ConnectionSet (its server's state, its worker) alive.
// Deliver may be called from any thread.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/intrusive/list_hook.hpp>
#include <boost/system/error_code.hpp>

#include "net/beast_parser.h"
#include "net/limits.h"
#include "net/response.h"

namespace hr::net {

class ConnectionSet;
class IoWorker;
class ServerState;

class Connection
    : public std::enable_shared_from_this<Connection>,
      public boost::intrusive::list_base_hook<
          boost::intrusive::link_mode<boost::intrusive::auto_unlink>> {
 public:
  // `socket` must belong to the io_context of set's worker. Any thread.
  Connection(std::shared_ptr<ConnectionSet> set, boost::asio::ip::tcp::socket socket);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Registers with its set and starts reading the first request.
  void Start();

  // The server is stopping: close now if idle between requests; otherwise close after the
  // current response.
  void Drain();

  // Closes the socket at once. Idempotent.
  void Close();

  // Sweep: acts on an expired deadline (408 while reading a request, close otherwise).
  void CheckDeadline(std::chrono::steady_clock::time_point now);

  // Any thread, via Responder: the answer to the request being handled (nullopt: answer 500).
  // On the connection's own thread it is written at once (or, from inside the handler, as soon
  // as the handler returns); from any other thread it is posted there.
  static void Deliver(std::shared_ptr<Connection> self, std::optional<Response> response);

 private:
  using Clock = std::chrono::steady_clock;
  using ErrorCode = boost::system::error_code;
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  enum class Phase {
    kIdle,       // waiting for the first byte of a request; deadline: idle_timeout
    kHeader,     // reading the header block; deadline: header_timeout
    kBody,       // reading the body (or sending 100 Continue); deadline: body_timeout
    kHandling,   // the handler has the request; no deadline
    kWriting,    // writing the response; deadline: send_timeout
    kLingering,  // shut down for sending, discarding input; deadline: linger_timeout
    kClosed,
  };

  void StartRequest();
  void ReadSome();
  void OnRead(const ErrorCode& ec, std::size_t bytes);
  // Feeds buffered bytes to the parser; dispatches, fails, or reads more.
  void Parse();
  // The header block is complete. Returns false if the caller must stop parsing (an error
  // response or a 100 Continue is being written).
  bool OnHeader();
  void OnContinueSent(const ErrorCode& ec);
  void Dispatch();
  void TakeReply(std::optional<Response> response);
  void OnReply(std::optional<Response> response);
  void StartWrite();
  void OnWritten(const ErrorCode& ec);
  void FailParse(const ErrorCode& ec);
  // Answers `status` (rendered by ServerOptions::render_error), then closes.
  void Fail(unsigned status, std::string_view reason);
  void Linger();
  void Discard();
  void SetPhase(Phase phase, std::chrono::milliseconds timeout);

  const std::shared_ptr<ConnectionSet> set_;  // declared first: its worker outlives socket_
  IoWorker& worker_;                           // owned by set_
  ServerState& state_;                         // owned by set_
  const Limits& limits_;                       // owned by state_
  boost::asio::ip::tcp::socket socket_;
  boost::asio::ip::tcp::endpoint remote_;

  Phase phase_ = Phase::kIdle;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool timed_out_ = false;  // a read deadline passed; the pending operation was cancelled

  boost::beast::flat_buffer buffer_;  // received, not yet parsed (pipelined requests wait here)
  std::optional<Parser> parser_;      // the request being read; a fresh one per request
  bool header_done_ = false;

  // The request being answered.
  bool keep_alive_ = false;
  bool http10_ = false;
  bool head_request_ = false;
  bool in_handler_ = false;  // the handler is on the stack: Deliver stores, StartWrite follows
  bool has_reply_ = false;
  bool close_after_ = false;  // this response is the last one
  Response reply_;
  std::string head_;  // serialized status line and headers of reply_
};

}  // namespace hr::net
