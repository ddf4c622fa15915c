#pragma once
// Limits: the bounds HttpServer enforces on every connection, so that no client can hold memory,
// sockets or threads for long. A plain value, set once in ServerOptions before Start() and read
// (never written) by the I/O threads afterwards.
//
// Each field says its unit, its default and what a violation produces. Every violation ends in a
// well-formed error response (rendered by ServerOptions::render_error) followed by a graceful
// close, or in a silent close where no response makes sense; other clients are unaffected.
//
// Timeouts are checked by a periodic sweep on each I/O thread, every min(all timeouts) / 8 clamped
// to [5 ms, 250 ms], so a timeout fires up to one sweep interval late.

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace hr::net {

struct Limits {
  // Request line plus header block, in bytes. Larger: 431 and close. Default 16 KiB.
  std::uint32_t max_header_bytes = 16 * 1024;

  // Request body after chunked decoding, in bytes. Larger: 413 and close, sent as soon as the
  // header announces it (before any body byte is read, and instead of "100 Continue"). Default
  // 6 MiB + 64 KiB: Lambda's synchronous payload limit (6 MB) plus room for an envelope.
  // ServerOptions::body_limit may lower it per request.
  std::uint64_t max_body_bytes = 6 * 1024 * 1024 + 64 * 1024;

  // Connections open at once across all I/O threads. A connection over the cap is answered 503
  // (best effort) and closed at once. Default 10,000.
  std::size_t max_connections = 10'000;

  // How long a keep-alive connection may wait for the first byte of its next request. Exceeded:
  // closed silently. Default 60 s.
  std::chrono::milliseconds idle_timeout{60'000};

  // From the first byte of a request to the end of its header block (slow-client / slowloris
  // protection). Exceeded: 408 and close. Default 10 s.
  std::chrono::milliseconds header_timeout{10'000};

  // From the end of the header block to the end of the body. Exceeded: 408 and close.
  // Default 60 s (6 MiB at 100 KiB/s).
  std::chrono::milliseconds body_timeout{60'000};

  // How long writing one response may take (a client that stops reading). Exceeded: closed.
  // Default 60 s.
  std::chrono::milliseconds send_timeout{60'000};

  // After the last response on a connection, how long to keep reading and discarding what the
  // client still sends before closing, so that it sees the response and not a reset. Default 2 s.
  std::chrono::milliseconds linger_timeout{2'000};
};

}  // namespace hr::net
