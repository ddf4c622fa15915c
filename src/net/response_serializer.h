#pragma once
// Turns a Response into the bytes of an HTTP/1.1 status line and header block, applying the
// framing rules listed in response.h. Pure functions; any thread.

#include <string>
#include <string_view>

#include "net/response.h"

namespace hr::net {

// How one response goes on the wire, decided by the connection.
struct Framing {
  bool head_request = false;       // answers a HEAD: Content-Length as for GET, no body bytes
  bool close = false;              // last response on the connection: "Connection: close"
  bool http10_keep_alive = false;  // an HTTP/1.0 client asked for keep-alive and gets it
};

// True if the body bytes follow the header block: not for HEAD, 1xx, 204 or 304.
bool SendsBody(unsigned status, bool head_request);

// True if the handler asked for the connection to close ("Connection: close" in its headers).
bool AsksToClose(const Response& response);

// Appends the status line and header block, through the empty line, to *out.
// REQUIRES: 200 <= response.status <= 999. `date` is the Date header value.
void AppendHead(const Response& response, const Framing& framing, std::string_view date,
                std::string* out);

}  // namespace hr::net
