#pragma once
// Response: what a handler answers. A plain value: build it on any thread and give it to
// Responder::Send. The server frames it: it writes Content-Length (from body.size()), Date and
// Connection itself, ignoring handler headers of those names (a handler "Connection: close" makes
// the server close after this response), and drops any header whose name or value would break
// the framing (empty name, CR, LF or NUL). It sends no body for HEAD, 204 and 304.

#include <string>
#include <vector>

namespace hr::net {

struct Header {
  std::string name;
  std::string value;
};

struct Response {
  unsigned status = 200;  // 200..999; anything else is replaced by a 500
  std::vector<Header> headers;
  std::string body;
};

// A response with `body` as application/json.
inline Response JsonResponse(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = std::move(body);
  return r;
}

}  // namespace hr::net
