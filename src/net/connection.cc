#include "net/connection.h"

#include <algorithm>
#include <array>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include "net/connection_set.h"
#include "net/http_date.h"
#include "net/io_worker.h"
#include "net/request.h"
#include "net/responder.h"
#include "net/response_serializer.h"
#include "net/server_state.h"

namespace hr::net {
namespace {

namespace http = boost::beast::http;

// Bytes asked of each read. Pipelined requests and body bytes arrive in as few reads as possible;
// unparsed bytes stay bounded by max_header_bytes plus this.
constexpr std::size_t kReadSize = 16 * 1024;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

Connection::Connection(std::shared_ptr<ConnectionSet> set, boost::asio::ip::tcp::socket socket)
    : set_(std::move(set)),
      worker_(*set_->worker()),
      state_(set_->state()),
      limits_(state_.options().limits),
      socket_(std::move(socket)) {}

Connection::~Connection() {
  // Only a connection whose Start never ran (its worker was torn down first) is still counted.
  if (phase_ != Phase::kClosed) state_.RemoveConnection();
}

void Connection::Start() {
  ErrorCode ignored;
  socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  remote_ = socket_.remote_endpoint(ignored);
  set_->Add(*this);
  if (set_->draining()) {
    Close();
    return;
  }
  StartRequest();
}

void Connection::SetPhase(Phase phase, std::chrono::milliseconds timeout) {
  phase_ = phase;
  deadline_ = Clock::now() + timeout;
}

void Connection::StartRequest() {
  parser_.emplace();
  parser_->header_limit(limits_.max_header_bytes);
  parser_->body_limit(limits_.max_body_bytes);
  header_done_ = false;
  head_request_ = false;
  http10_ = false;
  if (buffer_.size() == 0) {
    SetPhase(Phase::kIdle, limits_.idle_timeout);
    ReadSome();
  } else {  // a pipelined request is already buffered
    SetPhase(Phase::kHeader, limits_.header_timeout);
    Parse();
  }
}

void Connection::ReadSome() {
  socket_.async_read_some(buffer_.prepare(kReadSize),
                          [self = shared_from_this()](const ErrorCode& ec, std::size_t bytes) {
                            self->OnRead(ec, bytes);
                          });
}

void Connection::OnRead(const ErrorCode& ec, std::size_t bytes) {
  if (phase_ == Phase::kClosed) return;
  if (timed_out_) {
    Fail(408, "Timed out reading the request");
    return;
  }
  if (ec) {  // end of stream or a reset: nobody left to answer
    Close();
    return;
  }
  buffer_.commit(bytes);
  if (phase_ == Phase::kIdle) SetPhase(Phase::kHeader, limits_.header_timeout);
  Parse();
}

void Connection::Parse() {
  for (;;) {
    const auto unparsed = buffer_.data();
    if (!ReadyToParse(*parser_, std::string_view(static_cast<const char*>(unparsed.data()), unparsed.size()))) {
      ReadSome();
      return;
    }
    ErrorCode ec;
    const std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec && ec != http::error::need_more) {
      FailParse(ec);
      return;
    }
    if (!header_done_ && parser_->is_header_done()) {
      header_done_ = true;
      if (!OnHeader()) return;
    }
    if (parser_->is_done()) {
      Dispatch();
      return;
    }
    if (ec || used == 0 || buffer_.size() == 0) {
      ReadSome();
      return;
    }
  }
}

bool Connection::OnHeader() {
  if (parser_->is_done()) return true;  // no body
  const Parser::value_type& message = parser_->get();
  std::uint64_t limit = limits_.max_body_bytes;
  if (state_.options().body_limit) {
    limit = std::min(limit, state_.options().body_limit(message.method_string(), message.target()));
  }
  if (const auto length = parser_->content_length(); length && *length > limit) {
    Fail(413, "Request body too large");
    return false;
  }
  parser_->body_limit(limit);  // counts down chunk by chunk for a chunked body
  parser_->eager(true);        // from here on, parse all buffered body bytes in one put()
  SetPhase(Phase::kBody, limits_.body_timeout);
  // RFC 9110 10.1.1: answer 100 Continue unless the client has already started on the body.
  if (message.version() == 11 && buffer_.size() == 0 &&
      boost::beast::iequals(message[http::field::expect], "100-continue")) {
    boost::asio::async_write(
        socket_, boost::asio::buffer(kContinue),
        [self = shared_from_this()](const ErrorCode& ec, std::size_t) { self->OnContinueSent(ec); });
    return false;
  }
  return true;
}

void Connection::OnContinueSent(const ErrorCode& ec) {
  if (phase_ == Phase::kClosed) return;
  if (timed_out_) {
    Fail(408, "Timed out reading the request");
    return;
  }
  if (ec) {
    Close();
    return;
  }
  Parse();
}

void Connection::FailParse(const ErrorCode& ec) {
  if (ec == http::error::header_limit) {
    Fail(431, "Request header fields too large");
  } else if (ec == http::error::body_limit) {
    Fail(413, "Request body too large");
  } else {
    Fail(400, "Malformed HTTP request");
  }
}

void Connection::Dispatch() {
  keep_alive_ = parser_->keep_alive();
  http10_ = parser_->get().version() == 10;
  head_request_ = parser_->get().method() == http::verb::head;
  Request request(parser_->release(), remote_);
  phase_ = Phase::kHandling;
  deadline_ = Clock::time_point::max();
  has_reply_ = false;
  in_handler_ = true;
  try {
    state_.options().handler(std::move(request), Responder(shared_from_this()));
  } catch (...) {
    // The Responder, if the handler still held it, has answered 500 while unwinding.
  }
  in_handler_ = false;
  if (has_reply_) StartWrite();
}

void Connection::Deliver(std::shared_ptr<Connection> self, std::optional<Response> response) {
  IoWorker& worker = self->worker_;
  if (IoWorker::Current() == &worker) {
    if (self->in_handler_) {
      // Synchronous answer: Dispatch writes it when the handler returns.
      self->TakeReply(std::move(response));
    } else {
      // From another connection's handler or a task on this thread: no need to queue it.
      self->OnReply(std::move(response));
    }
    return;
  }
  // Dropped (with self) if the worker has finished: the server has stopped.
  worker.Post([self = std::move(self), response = std::move(response)]() mutable {
    self->OnReply(std::move(response));
  });
}

void Connection::TakeReply(std::optional<Response> response) {
  reply_ = response ? std::move(*response)
                    : state_.RenderError(500, "The request handler did not respond");
  has_reply_ = true;
}

void Connection::OnReply(std::optional<Response> response) {
  if (phase_ != Phase::kHandling) return;  // closed meanwhile: the client has gone
  TakeReply(std::move(response));
  StartWrite();
}

void Connection::Fail(unsigned status, std::string_view reason) {
  reply_ = state_.RenderError(status, reason);
  close_after_ = true;
  StartWrite();
}

void Connection::StartWrite() {
  if (reply_.status < 200 || reply_.status > 999) {
    reply_ = state_.RenderError(500, "The request handler returned an invalid status");
  }
  close_after_ = close_after_ || !keep_alive_ || set_->draining() || AsksToClose(reply_);
  head_.clear();
  AppendHead(reply_,
             Framing{.head_request = head_request_,
                     .close = close_after_,
                     .http10_keep_alive = http10_ && !close_after_},
             CurrentHttpDate(), &head_);
  const std::array<boost::asio::const_buffer, 2> buffers = {
      boost::asio::buffer(head_), SendsBody(reply_.status, head_request_)
                                      ? boost::asio::buffer(reply_.body)
                                      : boost::asio::const_buffer()};
  SetPhase(Phase::kWriting, limits_.send_timeout);
  boost::asio::async_write(
      socket_, buffers,
      [self = shared_from_this()](const ErrorCode& ec, std::size_t) { self->OnWritten(ec); });
}

void Connection::OnWritten(const ErrorCode& ec) {
  if (phase_ == Phase::kClosed) return;
  if (ec) {
    Close();
    return;
  }
  reply_ = Response();
  if (close_after_) {
    Linger();
    return;
  }
  StartRequest();
}

void Connection::Linger() {
  SetPhase(Phase::kLingering, limits_.linger_timeout);
  ErrorCode ignored;
  socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  buffer_.clear();
  Discard();
}

void Connection::Discard() {
  socket_.async_read_some(buffer_.prepare(kReadSize),
                          [self = shared_from_this()](const ErrorCode& ec, std::size_t) {
                            if (self->phase_ == Phase::kClosed) return;
                            if (ec) {
                              self->Close();  // the client has closed too: done
                            } else {
                              self->Discard();  // bytes left uncommitted: dropped
                            }
                          });
}

void Connection::Drain() {
  if (phase_ == Phase::kIdle) Close();
}

void Connection::Close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  ErrorCode ignored;
  socket_.close(ignored);  // pending operations complete with operation_aborted
  unlink();
  state_.RemoveConnection();
}

void Connection::CheckDeadline(Clock::time_point now) {
  if (now < deadline_) return;
  switch (phase_) {
    case Phase::kHeader:
    case Phase::kBody:
      if (!timed_out_) {
        // The pending operation completes with operation_aborted and answers 408.
        timed_out_ = true;
        ErrorCode ignored;
        socket_.cancel(ignored);
      }
      return;
    case Phase::kIdle:
    case Phase::kWriting:
    case Phase::kLingering:
      Close();
      return;
    case Phase::kHandling:
    case Phase::kClosed:
      return;
  }
}

}  // namespace hr::net
