#pragma once
// LocalLedger: the in-process ConcurrencyLedger: plain counters in vectors.
//
// Every operation is a handful of integer instructions. Not thread-safe: the engine
// serialises access per account.

#include <cstdint>
#include <vector>

#include "core/ledger.h"

namespace hr::core {

class LocalLedger final : public ConcurrencyLedger {
 public:
  void EnsureSlots(std::uint32_t function_slots, std::uint32_t provisioned_slots) override;

  bool TryTakeProvisioned(std::uint32_t pc, std::int32_t allocated) override {
    if (provisioned_busy_[pc] >= allocated) return false;
    ++provisioned_busy_[pc];
    return true;
  }
  bool TryTakeReserved(std::uint32_t fn, std::int32_t cap) override {
    if (on_demand_busy_[fn] >= cap) return false;
    ++on_demand_busy_[fn];
    return true;
  }
  bool TryTakeUnreserved(std::uint32_t fn, std::int64_t cap) override {
    if (unreserved_busy_ >= cap) return false;
    ++unreserved_busy_;
    ++on_demand_busy_[fn];
    return true;
  }
  void ReleaseProvisioned(std::uint32_t pc) override { --provisioned_busy_[pc]; }
  void ReleaseOnDemand(std::uint32_t fn, bool unreserved) override {
    --on_demand_busy_[fn];
    if (unreserved) --unreserved_busy_;
  }
  void MoveOnDemand(std::uint32_t fn, bool to_unreserved) override {
    unreserved_busy_ += to_unreserved ? on_demand_busy_[fn] : -on_demand_busy_[fn];
  }

  std::int32_t ProvisionedBusy(std::uint32_t pc) const override { return provisioned_busy_[pc]; }
  std::int32_t OnDemandBusy(std::uint32_t fn) const override { return on_demand_busy_[fn]; }
  std::int64_t UnreservedBusy() const override { return unreserved_busy_; }

 private:
  std::vector<std::int32_t> provisioned_busy_;
  std::vector<std::int32_t> on_demand_busy_;
  std::int64_t unreserved_busy_ = 0;
};

}  // namespace hr::core
