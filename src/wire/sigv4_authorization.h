#pragma once
// Parsing the SigV4 `Authorization` header: who is calling (account) and where (Region).
//
//   Authorization: AWS4-HMAC-SHA256 Credential=<AKID>/<yyyymmdd>/<region>/<service>/aws4_request,
//                  SignedHeaders=<h1;h2;...>, Signature=<64 hex>
//
// The server's front end calls ParseSigV4Authorization once per request, before routing to a
// handler, and gets exactly one of three answers (a std::variant, see SigV4ParseResult):
//   * SigV4Absent         -- the request carries no Authorization header (the caller passed an
//                            empty or all-whitespace value). NOT an error here: the server decides.
//                            In permissive mode it may serve the request anonymously (default
//                            account and Region); otherwise it answers MissingAuthenticationToken()
//                            exactly as AWS answers an unsigned request.
//   * SigV4Authorization  -- the header's parts, syntactically complete. Nothing is verified:
//                            the signature, clock skew, `host` in SignedHeaders and the credential
//                            scope (region/service/terminator/date, spec §7.2 rows 4, 5, 8-11) are
//                            the verifier's job (sigv4_verifier.h, strict mode). In particular `region` is whatever the
//                            client put in its scope and may even be empty.
//   * AuthFailure         -- AWS's error for a malformed header, spec §7.2 rows 1-3, 6, 7.
// Pure: no I/O, no clocks, no allocation beyond the result; any thread.
//
// Evidence (tags as in shared/spec/aws-lambda-concurrency.md §0):
//  * Check order and texts: DYN (Dynalite's record of real Coral answers): (1) no header or not
//    `AWS4-` -> MissingAuthenticationToken; (2) missing Credential / Signature / SignedHeaders /
//    date, one sentence each, concatenated, then `Authorization=<header>`; (3) the date's format;
//    [(4) clock skew, (5) host: not here]; (6) algorithm; (7) Credential has 5 elements. An
//    empty parameter value counts as missing (DYN `!authParams[k]`).
//  * Tokenising: parameters are separated by commas and/or whitespace (botocore writes ", ").
//    Real AWS splits on whitespace too: STS answered `Credential=not valid/2018...` by naming
//    'valid/2018...' as a separate pair (quoted in Hadoop's S3A troubleshooting doc). A token
//    without '=' is ignored here (AWS answers "'<tok>' not a valid key=value pair (missing
//    equal-sign) in Authorization header: '<header>'", but captures disagree on a trailing '.';
//    not in spec §7.2, so not imitated yet). A repeated key: the last one wins (DYN).
//  * "Trailing slashes are ignored" in the Credential (DYN): it is split like Java's
//    String.split("/"), which drops trailing empty elements and keeps inner ones.
//  * Row 1's text: real Lambda (lambda.us-east-1 Invoke, brefphp/bref#1250) answers 403
//    MissingAuthenticationTokenException "Missing Authentication Token"; Coral JSON services
//    answer 400 "Request is missing Authentication Token" (DYN) -- kJsonMissingAuthTokenMessage.
//  * Statuses: Lambda (rest-json) 403 for every row (API Gateway/Lambda captures, spec §7.2);
//    JSON 1.0/1.1 services 400 (DYN).
//  * The date header: X-Amz-Date wins over Date (DYN `x-amz-date || date`). Both must be ISO-8601
//    basic `YYYYMMDDTHHMMSSZ`; a `Date` header in the HTTP (IMF-fixdate) form
//    `Sun, 06 Nov 1994 08:49:37 GMT` is also accepted, since the IAM SigV4 doc allows the
//    standard Date header (a guess as to AWS's exact leniency; botocore always sends X-Amz-Date).

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hr::wire {

// The parts of a syntactically valid header, copied out as the client sent them (case kept).
struct SigV4Authorization {
  std::string algorithm;      // "AWS4-HMAC-SHA256" (the only one accepted)
  std::string access_key_id;  // credential element 1, e.g. "AKIAIOSFODNN7EXAMPLE"
  std::string date;           // credential element 2, meant to be yyyymmdd (not checked here)
  std::string region;         // credential element 3, e.g. "us-east-1" (not checked here)
  std::string service;        // credential element 4, e.g. "lambda" (not checked here)
  std::string terminator;     // credential element 5, meant to be "aws4_request" (not checked)
  std::vector<std::string> signed_headers;  // SignedHeaders split on ';', in order
  std::string signature;                    // as sent (hex not checked)
};

// An authentication failure, ready for the front end to render (x-amzn-ErrorType/__type =
// exception, body message = message). Auth failures are not hr::ErrorCode (that enum is the
// domain's); they exist only at the wire edge.
struct AuthFailure {
  std::string_view exception;  // "MissingAuthenticationTokenException",
                               // "IncompleteSignatureException", "InvalidSignatureException" or
                               // "UnrecognizedClientException" (static strings)
  unsigned lambda_status;      // HTTP status Lambda (rest-json) answers: 403
  unsigned json_status;        // HTTP status JSON 1.0/1.1 services answer: 400
  std::string message;         // AWS's exact text (Lambda's, for row 1; see below)
  // The query protocol's (SNS, CloudWatch query) name and status for the same failure, as
  // AWS's common errors list them: MissingAuthenticationToken 403, IncompleteSignature 400,
  // SignatureDoesNotMatch 403, InvalidClientTokenId 403. Query-compatible JSON services
  // (CloudWatch) send it in x-amzn-query-error.
  std::string_view query_code;
  unsigned query_status;
  // What JSON and query services append to the message (the canonical request and string to
  // sign they expected, on a signature mismatch); Lambda does not. "" otherwise.
  std::string detail;

  friend bool operator==(const AuthFailure&, const AuthFailure&) = default;
};

// No Authorization header at all.
struct SigV4Absent {
  friend bool operator==(SigV4Absent, SigV4Absent) = default;
};

using SigV4ParseResult = std::variant<SigV4Absent, SigV4Authorization, AuthFailure>;

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kMissingAuthenticationTokenException =
    "MissingAuthenticationTokenException";
inline constexpr std::string_view kIncompleteSignatureException = "IncompleteSignatureException";
inline constexpr std::string_view kInvalidSignatureException = "InvalidSignatureException";
inline constexpr std::string_view kUnrecognizedClientException = "UnrecognizedClientException";
// Row 1's message as Lambda sends it, and as Coral JSON 1.x services send it.
inline constexpr std::string_view kLambdaMissingAuthTokenMessage = "Missing Authentication Token";
inline constexpr std::string_view kJsonMissingAuthTokenMessage =
    "Request is missing Authentication Token";

// Parses `header_value` (the Authorization header's value; "" when the request has none).
// `x_amz_date` and `date_header` are the values of those headers, "" when absent; they only
// decide rows 2 and 3 (the verifier needs X-Amz-Date itself for the string to sign).
// Returns, first match wins:
//   header empty or only spaces/tabs                     -> SigV4Absent
//   header (trimmed) does not start with "AWS4-"         -> MissingAuthenticationTokenException,
//                                                           "Missing Authentication Token"
//   Credential / Signature / SignedHeaders absent or empty, or neither date header given
//                                                        -> IncompleteSignatureException,
//        "Authorization header requires 'Credential' parameter. " (per missing one, in this order)
//        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
//        then "Authorization=<header_value as received>"
//   the date used (X-Amz-Date, else Date) is not ISO-8601 basic
//        -> IncompleteSignatureException, "Date must be in ISO-8601 'basic format'. Got '<v>'.
//           See http://en.wikipedia.org/wiki/ISO_8601"
//   algorithm (the header's first word) != AWS4-HMAC-SHA256
//        -> IncompleteSignatureException,
//           "Unsupported AWS 'algorithm': '<alg>' (only AWS4-HMAC-SHA256 for now). "
//   Credential not exactly 5 '/'-separated elements (trailing empty ones dropped)
//        -> IncompleteSignatureException, "Credential must have exactly 5 slash-delimited
//           elements, e.g. keyid/date/region/service/term, got '<Credential value>'"
//   otherwise                                            -> SigV4Authorization
// Never throws on any input (bytes need not be UTF-8 or printable).
SigV4ParseResult ParseSigV4Authorization(std::string_view header_value,
                                         std::string_view x_amz_date,
                                         std::string_view date_header);

// The row-1 failure, for a server that refuses an absent header (SigV4Absent).
AuthFailure MissingAuthenticationToken();
// Rows 4, 5, 8 and 10 (InvalidSignatureException, 403 / 400 / SignatureDoesNotMatch 403) and
// rows 9 and 11 (UnrecognizedClientException, 403 / 400 / InvalidClientTokenId 403), for the
// verifier.
AuthFailure InvalidSignature(std::string message, std::string detail = "");
AuthFailure UnrecognizedClient();
inline constexpr std::string_view kInvalidSecurityTokenMessage =
    "The security token included in the request is invalid.";

// The account a request acts for: an access key id of exactly 12 ASCII digits IS the account id
// (the convention LocalStack and moto use for test credentials); anything else, including "",
// maps to `default_account` (the server's configured account).
std::string AccountForAccessKey(std::string_view access_key_id, std::string_view default_account);

// Whether `s` is exactly 12 ASCII digits (an account id).
bool IsAccountId(std::string_view s);

}  // namespace hr::wire
