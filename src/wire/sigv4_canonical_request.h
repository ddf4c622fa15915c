#pragma once
// The SigV4 canonical request (spec §7.1), built from a request exactly as it arrived, the
// way AWS rebuilds it to check a signature:
//
//   METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n PayloadHash
//
//   CanonicalURI    the raw (still percent-encoded) path with dot-segments and empty segments
//                   removed (botocore's remove_dot_segments: "//a/./b/../c/" -> "/a/c/"), then
//                   percent-encoded AGAIN except unreserved characters and '/': non-S3 services
//                   double-encode, so "arn%3Aaws" is canonicalised as "arn%253Aaws". "" -> "/".
//   CanonicalQuery  each `k=v` pair (a bare `k` is `k=`) percent-decoded and re-encoded per
//                   RFC 3986 (unreserved `A-Za-z0-9-_.~` kept, everything else %XX upper case;
//                   '+' is a literal plus), sorted by key then value, joined by '&'.
//   CanonicalHeaders for each name of SignedHeaders, in the order given: `name:values\n`,
//                   where values are every field of that name (case-insensitive) in arrival
//                   order, each trimmed with inner runs of spaces/tabs collapsed to one space,
//                   joined by ','. A signed header the request lacks contributes `name:`.
//
// Called by the verifier (sigv4_verifier.h) and its tests. Pure; any thread.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hr::wire {

// One header field as received.
struct SigV4Header {
  std::string_view name;
  std::string_view value;
};

// What the canonical request is built from. `target` is the raw request-target (path and
// query, not decoded); `headers` every field in arrival order.
struct SigV4Message {
  std::string_view method;
  std::string_view target;
  std::span<const SigV4Header> headers;
};

std::string SigV4CanonicalUri(std::string_view raw_path);
// `raw_query` is what follows '?' (without it).
std::string SigV4CanonicalQuery(std::string_view raw_query);
std::string SigV4CanonicalHeaders(std::span<const SigV4Header> headers,
                                  std::span<const std::string> signed_headers);

// The whole canonical request; `payload_hash` is hex(SHA-256(body)) or "UNSIGNED-PAYLOAD".
std::string SigV4CanonicalRequest(const SigV4Message& message, std::span<const std::string> signed_headers,
                                  std::string_view payload_hash);

}  // namespace hr::wire
