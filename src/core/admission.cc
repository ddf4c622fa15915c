#include "core/admission.h"

namespace hr::core {
namespace {

ModelEvent EventFor(EventKind kind, const AdmissionTarget& t, Timestamp now) {
  ModelEvent e;
  e.kind = kind;
  e.at = now;
  e.account = t.account_index;
  e.function = t.function.slot;
  e.version = t.version;
  e.provisioned = t.provisioned ? t.provisioned->slot : kNoSlot;
  return e;
}

}  // namespace

AdmissionDecision Admit(const AdmissionTarget& t, ConcurrencyLedger& ledger,
                        const Tunables& tunables, bool synchronous, Timestamp now,
                        EventSink* sink) {
  AdmissionDecision d;
  auto throttle = [&](ThrottleReason reason) {
    d.throttle = reason;
    if (sink) {
      ModelEvent e = EventFor(EventKind::kThrottled, t, now);
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
        ModelEvent e = EventFor(EventKind::kAdmitted, t, now);
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
      ModelEvent e = EventFor(EventKind::kEnvironmentReclaimed, t, now);
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
      ModelEvent e = EventFor(EventKind::kEnvironmentCreated, t, now);
      e.environment = g.environment;
      sink->OnEvent(e);
    }
  }
  if (sink) {
    ModelEvent e = EventFor(EventKind::kAdmitted, t, now);
    e.start = g.start;
    e.spillover = g.spillover;
    e.environment = g.environment;
    sink->OnEvent(e);
  }
  return d;
}

void Release(const Grant& g, const ReleaseTarget& t, ConcurrencyLedger& ledger, Timestamp now,
             EventSink* sink) {
  const bool provisioned = g.start == StartKind::kProvisioned;
  if (provisioned) {
    ledger.ReleaseProvisioned(g.provisioned);
  } else {
    ledger.ReleaseOnDemand(g.function, !t.function.has_reserved());
  }
  ModelEvent e;
  e.at = now;
  e.account = t.account_index;
  e.function = g.function;
  e.version = g.version;
  e.provisioned = g.provisioned;
  e.environment = g.environment;
  e.provisioned_environment = provisioned;
  if (sink) {
    e.kind = EventKind::kFinished;
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
    e.kind = EventKind::kEnvironmentReclaimed;
    sink->OnEvent(e);
  }
}

}  // namespace hr::core
