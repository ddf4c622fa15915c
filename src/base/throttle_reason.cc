#include "base/throttle_reason.h"

#include <array>
#include <utility>

namespace hr {
namespace {

constexpr std::array<std::pair<ThrottleReason, std::string_view>, 6> kNames{{
    {ThrottleReason::kConcurrentInvocationLimitExceeded, "ConcurrentInvocationLimitExceeded"},
    {ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded,
     "ReservedFunctionConcurrentInvocationLimitExceeded"},
    {ThrottleReason::kFunctionInvocationRateLimitExceeded, "FunctionInvocationRateLimitExceeded"},
    {ThrottleReason::kReservedFunctionInvocationRateLimitExceeded,
     "ReservedFunctionInvocationRateLimitExceeded"},
    {ThrottleReason::kCallerRateLimitExceeded, "CallerRateLimitExceeded"},
    {ThrottleReason::kConcurrentSnapshotCreateLimitExceeded,
     "ConcurrentSnapshotCreateLimitExceeded"},
}};

}  // namespace

std::string_view ThrottleReasonName(ThrottleReason reason) {
  for (const auto& [r, name] : kNames) {
    if (r == reason) return name;
  }
  return "";
}

ThrottleReason ThrottleReasonFromName(std::string_view name) {
  for (const auto& [r, n] : kNames) {
    if (n == name) return r;
  }
  return ThrottleReason::kNone;
}

}  // namespace hr
