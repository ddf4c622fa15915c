#pragma once
// ServerOptions: everything HttpServer needs to know, fixed before Start(). It holds the three
// callbacks through which the layer above (router, AWS wire format) plugs in:
//
//   handler       every complete request, on an I/O thread; different connections call it
//                 concurrently from different I/O threads, so it must be thread-safe. It answers
//                 through the Responder, now or later, from any thread. Requests on one
//                 connection reach it one at a time: the next is not read until this one is
//                 answered. It must not block: slow work goes elsewhere, taking the Responder
//                 along. An exception escaping it is swallowed (the client gets 500).
//   render_error  the response for a request the server rejects itself (400, 408, 413, 431, 500,
//                 503), so that errors can carry the AWS shape. Called on any I/O thread,
//                 possibly concurrently: it must be thread-safe. `reason` is a short English
//                 description. Default: a text/plain body holding `reason`.
//   body_limit    the most body bytes one request may carry, asked after its header is read and
//                 before any body byte is (a per-route limit below Limits::max_body_bytes, e.g.
//                 256 KiB for an Event invoke). Larger values are capped at max_body_bytes. Called
//                 on I/O threads, concurrently: must be thread-safe. Default: none.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net/io_pool.h"
#include "net/limits.h"
#include "net/request.h"
#include "net/responder.h"
#include "net/response.h"

namespace hr::net {

using Handler = std::function<void(Request&& request, Responder responder)>;
using ErrorRenderer = std::function<Response(unsigned status, std::string_view reason)>;
using BodyLimit = std::function<std::uint64_t(std::string_view method, std::string_view target)>;

struct ServerOptions {
  std::string host = "127.0.0.1";  // a literal IPv4 or IPv6 address
  std::uint16_t port = 0;          // 0: an ephemeral port, see HttpServer::port()
  // The I/O threads to run on, shared with other servers (io_pool.h); null: a pool of
  // io_threads threads of the server's own (0: std::thread::hardware_concurrency()).
  std::shared_ptr<IoPool> io_pool;
  unsigned io_threads = 0;
  Limits limits;
  Handler handler;  // required
  ErrorRenderer render_error;
  BodyLimit body_limit;
};

}  // namespace hr::net
