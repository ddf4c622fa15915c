#include "net/responder.h"

#include <optional>
#include <utility>

#include "net/connection.h"

namespace hr::net {

Responder::Responder(std::shared_ptr<Connection> connection)
    : connection_(std::move(connection)) {}

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    Abandon();
    connection_ = std::move(other.connection_);
  }
  return *this;
}

Responder::~Responder() { Abandon(); }

void Responder::Send(Response response) {
  if (connection_) Connection::Deliver(std::move(connection_), std::move(response));
}

void Responder::Abandon() noexcept {
  if (connection_) Connection::Deliver(std::move(connection_), std::nullopt);
}

}  // namespace hr::net
