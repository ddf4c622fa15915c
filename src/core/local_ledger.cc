#include "core/local_ledger.h"

namespace hr::core {

void LocalLedger::EnsureSlots(std::uint32_t function_slots, std::uint32_t provisioned_slots) {
  if (on_demand_busy_.size() < function_slots) on_demand_busy_.resize(function_slots, 0);
  if (provisioned_busy_.size() < provisioned_slots) provisioned_busy_.resize(provisioned_slots, 0);
}

}  // namespace hr::core
