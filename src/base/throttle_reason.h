#pragma once
// ThrottleReason: why an invocation was refused, as the `Reason` of Lambda's 429
// TooManyRequestsException (enum ThrottleReason of the Lambda service model).
//
// A throttle is an expected "no": it travels as a value inside an AdmissionDecision, never
// as a Status. Pure; any thread.

#include <cstdint>
#include <string_view>

namespace hr {

enum class ThrottleReason : std::uint8_t {
  kNone = 0,
  // The account's unreserved pool is exhausted.
  kConcurrentInvocationLimitExceeded,
  // The function's reserved concurrency is exhausted (including RC = 0).
  kReservedFunctionConcurrentInvocationLimitExceeded,
  kFunctionInvocationRateLimitExceeded,
  kReservedFunctionInvocationRateLimitExceeded,
  kCallerRateLimitExceeded,
  kConcurrentSnapshotCreateLimitExceeded,
};

// AWS's spelling, e.g. "ConcurrentInvocationLimitExceeded"; "" for kNone.
std::string_view ThrottleReasonName(ThrottleReason reason);
// Inverse of ThrottleReasonName; kNone when `name` is not a reason.
ThrottleReason ThrottleReasonFromName(std::string_view name);

}  // namespace hr
