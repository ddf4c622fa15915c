#pragma once
// The one translation table from domain failures to Lambda's wire errors (style habit 5).
//
// Every Lambda handler and the Lambda front end (routing, auth, body limits) turn a failure into
// bytes here and nowhere else: a Status becomes AWS's error type (the `x-amzn-ErrorType`
// header), HTTP status and JSON body; a throttle (ThrottleReason, an expected "no", not a
// Status) becomes the 429 TooManyRequestsException body; a request that routes nowhere becomes
// UnknownOperationException. Tables and functions are immutable and stateless: any thread.
//
// Evidence (tags as in shared/spec/aws-lambda-concurrency.md §0):
//  * Types, statuses and message keys: the modeled error shapes of BC-L (spec §1.1), the
//    AWS-recorded bodies of spec §2 (concurrency-limit messages carry no `Type`), and the
//    comments of base/error_code.h, which this table implements row for row.
//  * Key order: every captured real body has its keys in byte order -- {"Message":..,"Type":..},
//    {"Type":"User","message":..}, {"Reason":..,"Type":"User","message":..} (spec §1.1) -- so
//    bodies are written in that order.
//  * `x-amzn-ErrorType` carries the bare exception name; clients also accept AWS's
//    "Name:http://internal.amazon.com/coral/..." form, which we do not imitate (spec §8.1).
//  * Guesses, flagged so they can be corrected in one place: `"Type":"Service"` on 5xx (only
//    emulator notes say so); AccessDeniedException's `Message` key and absent Type (IAM's
//    authorizer, not Lambda's model, answers it); ValidationException's `message` key (spec §1.1
//    infers it); a null message when the Status's message is empty (as UnknownOperation shows);
//    404 UnknownOperationException {"Type":"User","message":null} for unknown routes *and* for a
//    known path with the wrong method (AWS's rest front end resolves method and path together;
//    not confirmed by a capture); 400 InvalidRequestContentException for a malformed
//    percent-escape in the request URI (not confirmed; any 4xx would be plausible).

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/error_code.h"
#include "base/status.h"
#include "base/throttle_reason.h"
#include "wire/rest_router.h"

namespace hr::wire {

// Which key carries the message in the body. AWS's model differs per exception.
enum class MessageKey : std::uint8_t {
  kLower,  // "message"
  kUpper,  // "Message"
};

// The body's "Type" member.
enum class TypeField : std::uint8_t {
  kNone,     // absent
  kUser,     // "Type":"User"
  kService,  // "Type":"Service"
};

struct LambdaErrorRow {
  ErrorCode code;
  std::string_view error_type;  // x-amzn-ErrorType: "ResourceNotFoundException"
  int http_status;
  MessageKey message_key;
  TypeField type_field;
};

// The table: one row per ErrorCode other than kOk, in ErrorCode order.
std::span<const LambdaErrorRow> LambdaErrorTable();
// ServiceException, 500, {"Message":...,"Type":"Service"}: for kInternal, and the answer for kOk
// and any code the table lacks (a code added to base/error_code.h without a row here).
const LambdaErrorRow& LambdaFallbackError();
// The row for `code`, or LambdaFallbackError() when there is none.
const LambdaErrorRow& LambdaErrorFor(ErrorCode code);

struct HttpHeader {
  std::string_view name;
  std::string_view value;
};

// One error response, ready for the HTTP layer (which adds x-amzn-RequestId and the length).
struct WireError {
  int http_status = 500;
  // {"x-amzn-ErrorType", <type>}, {"Content-Type", "application/json"}. Static strings.
  std::array<HttpHeader, 2> headers;
  std::string body;

  std::string_view error_type() const { return headers[0].value; }
};

// The response for a failed Status, per LambdaErrorFor(status.code()). The message is written
// as is (escaped); an empty message is written as null. REQUIRES: !status.ok() (an OK status
// is answered as ServiceException with a null message rather than crash).
WireError RenderLambdaError(const Status& status);

// The 429 TooManyRequestsException body for `reason`, exactly as AWS sends it:
//   {"Reason":"ConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}
// with message "Rate exceeded" for kCallerRateLimitExceeded (seen from real Invoke, spec §1.1).
// A static string: no allocation. "" for kNone.
std::string_view LambdaThrottleBody(ThrottleReason reason);
// The full 429 response for `reason`. REQUIRES: reason != kNone (answered as ServiceException
// 500 otherwise, since it is a bug upstream).
WireError RenderLambdaThrottle(ThrottleReason reason);

// The answer to a request the router could not place. REQUIRES: status != kOk.
//   kNoRoute, kWrongMethod -> 404 UnknownOperationException {"Type":"User","message":null}
//   kBadEncoding           -> 400 InvalidRequestContentException (through the table)
WireError RenderLambdaRouteFailure(RouteStatus status);

}  // namespace hr::wire
