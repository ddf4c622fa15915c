#pragma once
// ConcurrencyLedger: the busy counters of one account's concurrency pool, behind the narrow
// interface that a shared ledger (several headroom nodes over Redis) will implement.
//
// The ledger knows nothing of names, versions or rules. It holds three kinds of counter:
//   * provisioned busy, per provisioned-concurrency config slot;
//   * on-demand busy, per function slot (standard concurrency, incl. spillover);
//   * unreserved busy: the on-demand busy of every function *without* reserved concurrency.
// Each TryTake is one atomic check-and-increment against a cap that the caller computed
// from the configuration (admission.h); a Release gives one slot back. Slots are small
// dense integers handed out by the engine, which sizes the ledger with EnsureSlots.
//
// Implementations: LocalLedger (in-process, below). Not thread-safe unless an
// implementation says so; the engine serialises access per account.

#include <cstdint>

namespace hr::core {

class ConcurrencyLedger {
 public:
  virtual ~ConcurrencyLedger() = default;

  // Makes slots [0, function_slots) and [0, provisioned_slots) addressable; new ones are 0.
  virtual void EnsureSlots(std::uint32_t function_slots, std::uint32_t provisioned_slots) = 0;

  // One provisioned execution of config `pc` if fewer than `allocated` are busy.
  virtual bool TryTakeProvisioned(std::uint32_t pc, std::int32_t allocated) = 0;
  // One on-demand execution of `fn`, a function with reserved concurrency, if fewer than
  // `cap` of its on-demand executions are busy.
  virtual bool TryTakeReserved(std::uint32_t fn, std::int32_t cap) = 0;
  // One on-demand execution of `fn`, a function without reserved concurrency, if fewer
  // than `cap` executions are busy in the account's unreserved pool.
  virtual bool TryTakeUnreserved(std::uint32_t fn, std::int64_t cap) = 0;

  virtual void ReleaseProvisioned(std::uint32_t pc) = 0;
  // `unreserved`: `fn` has no reserved concurrency now (its busy counts in the pool).
  virtual void ReleaseOnDemand(std::uint32_t fn, bool unreserved) = 0;
  // `fn` lost (to_unreserved) or gained reserved concurrency while executions were in
  // flight: they move into or out of the unreserved pool.
  virtual void MoveOnDemand(std::uint32_t fn, bool to_unreserved) = 0;

  virtual std::int32_t ProvisionedBusy(std::uint32_t pc) const = 0;
  virtual std::int32_t OnDemandBusy(std::uint32_t fn) const = 0;
  virtual std::int64_t UnreservedBusy() const = 0;
};

}  // namespace hr::core
