#pragma once
// Admission: the decision that lets an invocation run or throttles it (spec §3.5).
//
//   1. A synchronous invocation takes a token from the account's request-rate bucket.
//   2. Provisioned first: if a READY config serves the version (on the version itself or on
//      an alias pointing at it) and fewer than Allocated of its environments are busy, the
//      invocation runs on one of them (within that config's own request rate).
//   3. Otherwise on-demand, flagged as spillover when a READY config was full: within the
//      function's reservation (RC − Σ PC) if it has RC, else within the unreserved pool
//      (limit − allocated). Exhaustion throttles with
//      ReservedFunctionConcurrentInvocationLimitExceeded or ConcurrentInvocationLimitExceeded.
//   4. An idle warm environment of the version is reused; otherwise a new one is created,
//      which costs a token from the function's scaling bucket (no token: throttled).
// Release gives the slot back and returns the environment to its idle set, unless the
// environment has gone stale (its config, version or code changed), in which case it is
// reclaimed.
//
// A throttle is a value (AdmissionDecision::throttle), never an error. Events are
// reported to the sink in the order they happen. Pure; the caller serialises per account.

#include <cstdint>

#include "base/time.h"
#include "core/events.h"
#include "core/ledger.h"
#include "core/on_demand_environments.h"
#include "core/pools.h"
#include "core/tunables.h"

namespace hr::core {

// What an admitted invocation holds until it finishes; hand it back to Release.
struct Grant {
  StartKind start = StartKind::kCold;
  bool spillover = false;
  EnvironmentId environment = 0;
  Timestamp admitted_at;
  std::uint32_t function = kNoSlot;
  std::uint32_t function_generation = 0;
  std::uint32_t version = 0;
  std::uint32_t code_generation = 0;        // of the version, when admitted
  std::uint32_t provisioned = kNoSlot;      // PC slot when start == kProvisioned
  std::uint32_t provisioned_generation = 0;
};

struct AdmissionDecision {
  ThrottleReason throttle = ThrottleReason::kNone;
  Grant grant;  // meaningful only when admitted()
  bool admitted() const { return throttle == ThrottleReason::kNone; }
};

// Everything one decision reads and writes. `provisioned` is the config serving the
// version, or null. The identity fields are copied into the Grant and the events.
struct AdmissionTarget {
  AccountPool& account;
  FunctionPool& function;
  OnDemandEnvironments& environments;
  ProvisionedPool* provisioned;
  std::uint32_t account_index;
  std::uint32_t function_generation;
  std::uint32_t version;
  std::uint32_t code_generation;
  std::uint32_t provisioned_generation;
};

// `synchronous`: RequestResponse (counts against the request-rate limits); false for an
// asynchronous event taken from the queue. `sink` may be null.
AdmissionDecision Admit(const AdmissionTarget& target, ConcurrencyLedger& ledger,
                        const Tunables& tunables, bool synchronous, Timestamp now,
                        EventSink* sink);

// Where a finished invocation returns. A null `environments` / `provisioned` means the
// version / config it ran on is gone or changed: the environment is reclaimed.
struct ReleaseTarget {
  FunctionPool& function;
  OnDemandEnvironments* environments;
  ProvisionedPool* provisioned;
  std::uint32_t account_index;
};

// REQUIRES: `grant` came from an Admit on this account and is released exactly once.
void Release(const Grant& grant, const ReleaseTarget& target, ConcurrencyLedger& ledger,
             Timestamp now, EventSink* sink);

}  // namespace hr::core
