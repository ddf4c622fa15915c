#pragma once
// The cryptographic half of SigV4 (spec §7.1): the hex SHA-256 of a payload or canonical
// request, the string to sign, and the signature HMAC-SHA256 chain
//   kDate = HMAC("AWS4" + secret, yyyymmdd); kRegion = HMAC(kDate, region);
//   kService = HMAC(kRegion, service); kSigning = HMAC(kService, "aws4_request");
//   Signature = hex(HMAC(kSigning, StringToSign)).
// The verifier (sigv4_verifier.h) calls these; so may a test or a client that signs.
// Pure (OpenSSL's digests, no I/O); any thread.

#include <string>
#include <string_view>

namespace hr::wire {

// Lowercase hex of SHA-256(data); "e3b0c442...b855" for "".
std::string Sha256Hex(std::string_view data);

// Lowercase hex of HMAC-SHA256(key, data).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// "yyyymmdd/region/service/aws4_request".
std::string SigV4Scope(std::string_view yyyymmdd, std::string_view region, std::string_view service);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex SHA-256 of canonical_request>".
std::string SigV4StringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view canonical_request);

// The 64 lowercase hex digits of the signature of `string_to_sign` with `secret` for the
// scope's date, Region and service.
std::string SigV4Signature(std::string_view secret, std::string_view yyyymmdd, std::string_view region,
                           std::string_view service, std::string_view string_to_sign);

// Constant-time comparison of two signatures (a mismatch must not leak its position).
bool SignaturesEqual(std::string_view a, std::string_view b);

}  // namespace hr::wire
