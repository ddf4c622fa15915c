#pragma once
// Tunables: every constant of the concurrency model, in one commented block, with AWS's
// defaults. The server, the simulator and the tests build one and hand it to the engine.
//
// Sources are the tags of ../shared/spec/aws-lambda-concurrency.md. Where AWS does not
// document a behaviour, the field says "unconfirmed" and the choice is configurable.
//
// Pure: a plain value.

#include <cstdint>
#include <optional>

#include "base/time.h"
#include "base/throttle_reason.h"

namespace hr::core {

struct Tunables {
  // Quota L-B99A9384 "Concurrent executions": the applied value a new account (per Region)
  // starts with. AWS default 1,000 (D-lim).
  std::int64_t account_concurrency_limit = 1000;

  // Concurrency that reserved and provisioned concurrency may never take from the pool.
  // nullopt means AWS's rule, min(100, limit) (D-lconc; new accounts with limit 10 or 50
  // print [10] / [50]). Set it (0 is allowed) to model an account by hand.
  std::optional<std::int64_t> unreserved_minimum;
  static constexpr std::int64_t kDefaultUnreservedMinimum = 100;

  // Scaling rate: each function may create 1,000 new execution environments every 10 s,
  // refilled continuously (100/s), never accruing above 1,000 (D-scale).
  std::int64_t scaling_bucket_capacity = 1000;
  std::int64_t scaling_refill_per_second = 100;
  // Reason of a throttle by the scaling rate. Unconfirmed (spec §8.3).
  ThrottleReason scaling_throttle_reason = ThrottleReason::kFunctionInvocationRateLimitExceeded;

  // Request rate: synchronous invocations per second across the account may not exceed
  // 10 × the account concurrency limit (D-lim, D-lconc); the bucket holds one second.
  std::int64_t request_rate_per_concurrency = 10;
  // Reason of a throttle by the account request rate. Unconfirmed (spec §8.3).
  ThrottleReason account_rate_throttle_reason =
      ThrottleReason::kFunctionInvocationRateLimitExceeded;
  // Invocations served by provisioned concurrency may not exceed 10 × the allocated PC of
  // that version or alias per second (D-lim). Reason unconfirmed (spec §8.3).
  ThrottleReason provisioned_rate_throttle_reason =
      ThrottleReason::kReservedFunctionInvocationRateLimitExceeded;

  // How long an idle on-demand environment stays warm before it is reclaimed. AWS does
  // not publish this; 5 minutes is the commonly observed order of magnitude.
  Duration keep_alive = Duration::Minutes(5);

  // The unreserved minimum in force for an account whose limit is `limit`.
  std::int64_t UnreservedMinimumFor(std::int64_t limit) const {
    if (unreserved_minimum) return *unreserved_minimum;
    return limit < kDefaultUnreservedMinimum ? limit : kDefaultUnreservedMinimum;
  }
};

}  // namespace hr::core
