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

// Where a finished invocation returns. A null `environments` / `provisioned` means the
// version / config it ran on is gone or changed: the environment is reclaimed.
struct ReleaseTarget {
  FunctionPool& function;
  OnDemandEnvironments* environments;
  ProvisionedPool* provisioned;
  std::uint32_t account_index;
};

namespace admission_detail {
inline ModelEvent EventFor(EventKind kind, const AdmissionTarget& t, Timestamp now) {
  ModelEvent e;
  e.kind = kind;
  e.at = now;
  e.account = t.account_index;
  e.function = t.function.slot;
  e.version = t.version;
  e.provisioned = t.provisioned ? t.provisioned->slot : kNoSlot;
  return e;
}
}  // namespace admission_detail

// `synchronous`: RequestResponse (counts against the request-rate limits); false for an
// asynchronous event taken from the queue. `sink` may be null. `Ledger` is
// ConcurrencyLedger, or a final implementation of it so that its calls inline (the engine
// passes LocalLedger when it has one). Inline: the server's and the simulator's hot path.
template <typename Ledger>
AdmissionDecision Admit(const AdmissionTarget& t, Ledger& ledger, const Tunables& tunables, bool synchronous,
                        Timestamp now, EventSink* sink) {
  AdmissionDecision d;
  auto throttle = [&](ThrottleReason reason) {
    d.throttle = reason;
    if (sink) {
      ModelEvent e = admission_detail::EventFor(EventKind::kThrottled, t, now);
      e.reason = reason;
      sink->OnEvent(e);
    }
    return d;
  };

  if (synchronous && !t.account.request_rate.TryTake(now)) {
    return throttle(tunables.account_rate_throttle_reason);
  }

  Grant& g = d.grant;
  g.admitted_at = now;
  g.function = t.function.slot;
  g.function_generation = t.function_generation;
  g.version = t.version;
  g.code_generation = t.code_generation;

  ProvisionedPool* pc = t.provisioned;
  if (pc && pc->status == ProvisionedStatus::kReady) {
    if (ledger.TryTakeProvisioned(pc->slot, pc->allocated)) {
      if (synchronous && !pc->request_rate.TryTake(now)) {
        ledger.ReleaseProvisioned(pc->slot);
        return throttle(tunables.provisioned_rate_throttle_reason);
      }
      g.start = StartKind::kProvisioned;
      g.environment = pc->idle.back();
      pc->idle.pop_back();
      g.provisioned = pc->slot;
      g.provisioned_generation = t.provisioned_generation;
      if (sink) {
        ModelEvent e = admission_detail::EventFor(EventKind::kAdmitted, t, now);
        e.start = g.start;
        e.environment = g.environment;
        sink->OnEvent(e);
      }
      return d;
    }
    g.spillover = true;
  }

  FunctionPool& f = t.function;
  const bool reserved = f.has_reserved();
  const bool taken = reserved ? ledger.TryTakeReserved(f.slot, f.ReservedOnDemandCap())
                              : ledger.TryTakeUnreserved(f.slot, t.account.UnreservedConcurrency());
  if (!taken) {
    return throttle(reserved ? ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded
                             : ThrottleReason::kConcurrentInvocationLimitExceeded);
  }

  auto reclaim = [&](EnvironmentId id) {
    if (sink) {
      ModelEvent e = admission_detail::EventFor(EventKind::kEnvironmentReclaimed, t, now);
      e.environment = id;
      sink->OnEvent(e);
    }
  };
  if (auto warm = t.environments.TakeWarm(now, tunables.keep_alive, reclaim)) {
    g.start = StartKind::kWarm;
    g.environment = *warm;
  } else {
    if (!f.scaling.TryTake(now)) {
      ledger.ReleaseOnDemand(f.slot, !reserved);
      return throttle(tunables.scaling_throttle_reason);
    }
    g.start = StartKind::kCold;
    g.environment = t.account.next_environment++;
    if (sink) {
      ModelEvent e = admission_detail::EventFor(EventKind::kEnvironmentCreated, t, now);
      e.environment = g.environment;
      sink->OnEvent(e);
    }
  }
  if (sink) {
    ModelEvent e = admission_detail::EventFor(EventKind::kAdmitted, t, now);
    e.start = g.start;
    e.spillover = g.spillover;
    e.environment = g.environment;
    sink->OnEvent(e);
  }
  return d;
}

// REQUIRES: `grant` came from an Admit on this account and is released exactly once.
template <typename Ledger>
void Release(const Grant& g, const ReleaseTarget& t, Ledger& ledger, Timestamp now, EventSink* sink) {
  const bool provisioned = g.start == StartKind::kProvisioned;
  if (provisioned) {
    ledger.ReleaseProvisioned(g.provisioned);
  } else {
    ledger.ReleaseOnDemand(g.function, !t.function.has_reserved());
  }
  auto event = [&](EventKind kind) {
    ModelEvent e;
    e.kind = kind;
    e.at = now;
    e.account = t.account_index;
    e.function = g.function;
    e.version = g.version;
    e.provisioned = g.provisioned;
    e.environment = g.environment;
    e.provisioned_environment = provisioned;
    return e;
  };
  if (sink) {
    ModelEvent e = event(EventKind::kFinished);
    e.start = g.start;
    e.spillover = g.spillover;
    e.elapsed = now - g.admitted_at;
    sink->OnEvent(e);
  }
  if (provisioned && t.provisioned) {
    t.provisioned->idle.push_back(g.environment);
  } else if (!provisioned && t.environments) {
    t.environments->PutIdle(g.environment, now);
  } else if (sink) {
    sink->OnEvent(event(EventKind::kEnvironmentReclaimed));
  }
}

}  // namespace hr::core
