#pragma once
// The admission state of an account, a function and a provisioned-concurrency config.
//
// These are the numbers admission decides on. The engine owns them (one AccountPool per
// account, one FunctionPool per function, one ProvisionedPool per PC config) and keeps the
// derived sums current whenever configuration changes; the busy counters live in the
// ConcurrencyLedger. Accounting follows spec §3.4:
//   allocated   = Σ RC(f) + Σ PC of the functions *without* RC   (RC counts instead of PC)
//   unreserved  = limit − allocated         (GetAccountSettings.UnreservedConcurrentExecutions)
//   claimed     = live unreserved executions + allocated   (ClaimedAccountConcurrency)
//
// Pure; not thread-safe.

#include <cstdint>
#include <vector>

#include "core/events.h"
#include "core/token_bucket.h"

namespace hr::core {

struct AccountPool {
  std::int64_t limit = 0;               // applied L-B99A9384
  std::int64_t unreserved_minimum = 0;  // in force for `limit`
  std::int64_t allocated = 0;           // Σ FunctionPool::Allocation()
  TokenBucket request_rate;             // synchronous invocations, 10 × limit per second
  EnvironmentId next_environment = 1;

  std::int64_t UnreservedConcurrency() const { return limit - allocated; }
};

struct FunctionPool {
  static constexpr std::int32_t kNoReservation = -1;

  std::uint32_t slot = kNoSlot;
  std::int32_t reserved = kNoReservation;  // RC, or kNoReservation
  std::int32_t provisioned_total = 0;      // Σ requested PC over the function's configs
  TokenBucket scaling;                     // new on-demand environments

  bool has_reserved() const { return reserved != kNoReservation; }
  // This function's share of the account's allocated concurrency: RC if set, else Σ PC.
  std::int64_t Allocation() const { return has_reserved() ? reserved : provisioned_total; }
  // On-demand executions the reservation leaves room for: RC − Σ PC.
  // REQUIRES: has_reserved()
  std::int32_t ReservedOnDemandCap() const { return reserved - provisioned_total; }
};

enum class ProvisionedStatus : std::uint8_t { kInProgress, kReady, kFailed };

struct ProvisionedPool {
  std::uint32_t slot = kNoSlot;
  ProvisionedStatus status = ProvisionedStatus::kInProgress;
  std::int32_t requested = 0;
  std::int32_t allocated = 0;            // == requested once READY, else 0
  TokenBucket request_rate;              // served invocations, 10 × allocated per second
  std::vector<EnvironmentId> environments;  // every environment of this config
  std::vector<EnvironmentId> idle;          // READY and not busy
};

}  // namespace hr::core
