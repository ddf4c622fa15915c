#pragma once
// Responder: the one-shot way a handler answers one request. The server hands one to the Handler
// with each request; the handler may answer at once or move the Responder anywhere (a timer,
// another thread) and answer later.
//
// Send() may be called from any thread, once. Called on the I/O thread while the handler is still
// running (the common case), the response is written as soon as the handler returns, with no
// thread hop; otherwise it is posted to the connection's I/O thread. A Responder destroyed without
// Send() answers 500 (never a hung client). If the client has gone or the server has stopped, the
// response is dropped silently. Movable, not copyable; one owner at a time.

#include <memory>

#include "net/response.h"

namespace hr::net {

class Connection;

class Responder {
 public:
  Responder(Responder&& other) noexcept = default;
  // Answers 500 for the request this Responder held, if it had not answered.
  Responder& operator=(Responder&& other) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  // Answers 500 if Send() was never called.
  ~Responder();

  // Answers the request. REQUIRES: not sent yet (a second call does nothing).
  void Send(Response response);

 private:
  friend class Connection;
  explicit Responder(std::shared_ptr<Connection> connection);

  // Answers 500 unless sent; leaves connection_ empty.
  void Abandon() noexcept;

  std::shared_ptr<Connection> connection_;  // empty once sent or moved from
};

}  // namespace hr::net
