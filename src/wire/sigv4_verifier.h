#pragma once
// Verifying a parsed SigV4 Authorization header (sigv4_authorization.h) against the request it
// came with and the caller's secret: spec §7.2 rows 4, 5 and 8-11, in that order, first
// failure wins. The server calls VerifySigV4 in strict mode (`--auth strict`), after
// ParseSigV4Authorization succeeded and after looking the access key id up in its
// credentials; it passes the real wall-clock time as `now` (the time the client signed
// with, whatever the server's simulated clock says).
//
// Checks and AWS's texts (InvalidSignatureException unless noted):
//   4  the request time (X-Amz-Date, else Date) older than now - max_past:
//        "Signature expired: <t> is now earlier than <now-max_past> (<now> - 5 min.)"
//      (5 minutes for Lambda, as real Lambda answers; 15 for the others, as DynamoDB does)
//      or later than now + max_future (15 minutes):
//        "Signature not yet current: <t> is still later than <now+15> (<now> + 15 min.)"
//   5  `host` not among SignedHeaders: "'Host' must be a 'SignedHeader' in the AWS Authorization."
//   8  the credential scope, every failing part in this order, concatenated:
//        "Credential should be scoped to a valid region, not '<r>'. "
//        "Credential should be scoped to correct service: '<service>'. "
//        "Credential should be scoped with a valid terminator: 'aws4_request', not '<t>'. "
//        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from
//         HTTP: '<d>' != '<yyyymmdd>', from '<t>'."
//   9  an unknown access key id, and 11 a credential that has a session token the request's
//      X-Amz-Security-Token does not match: UnrecognizedClientException, "The security token
//      included in the request is invalid."
//   10 the signature differs from the one computed over the canonical request
//      (sigv4_canonical_request.h) with the payload hash hex(SHA-256(body)), or
//      UNSIGNED-PAYLOAD when x-amz-content-sha256 says so (any other x-amz-content-sha256 is
//      not trusted: the body's own hash is used, so a body changed under a declared hash
//      fails): "The request signature we calculated does not match the signature you
//      provided. Check your AWS Secret Access Key and signing method. Consult the service
//      documentation for details." (detail: the canonical request and string to sign).
//
// Pure: no I/O, no clock (`now` comes in); any thread.

#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"
#include "wire/sigv4_authorization.h"
#include "wire/sigv4_canonical_request.h"

namespace hr::wire {

// A secret the server knows: what an access key id signs with and acts for.
struct SigV4Credential {
  std::string secret_access_key;
  std::string account;        // 12 digits
  std::string session_token;  // "" : none required (any X-Amz-Security-Token is ignored)
};

// What an endpoint expects.
struct SigV4Rules {
  std::string_view service;                       // "lambda", "monitoring", "sns", "servicequotas"
  Duration max_past = Duration::Minutes(5);       // how old a request may be
  Duration max_future = Duration::Minutes(15);    // how far ahead of now
};

// The rules of the AWS service whose credential-scope name is `service` (Lambda: 5 minutes
// into the past; the others 15).
SigV4Rules SigV4RulesFor(std::string_view service);

struct SigV4Request {
  SigV4Message message;                 // method, raw target, every header
  std::string_view body;
  std::string_view x_amz_date;          // headers, "" when absent
  std::string_view date_header;
  std::string_view security_token;      // X-Amz-Security-Token, "" when absent
  std::string_view content_sha256;      // x-amz-content-sha256, "" when absent
};

// nullopt when the request is authentic; otherwise AWS's failure. `credential` is what the
// access key id maps to, nullptr when it is unknown.
// REQUIRES: `auth` is what ParseSigV4Authorization returned for this request's headers.
std::optional<AuthFailure> VerifySigV4(const SigV4Authorization& auth, const SigV4Request& request,
                                       const SigV4Credential* credential, const SigV4Rules& rules,
                                       Timestamp now);

// `t` as SigV4 writes it: "20150830T123600Z".
std::string FormatSigV4Time(Timestamp t);

}  // namespace hr::wire
