#include "engine/engine.h"

#include "core/local_ledger.h"

namespace hr::engine {

Engine::Engine(core::Tunables tunables, core::EventSink* sink, LedgerFactory ledger_factory)
    : tunables_(std::move(tunables)), sink_(sink), ledger_factory_(std::move(ledger_factory)) {}

Account* Engine::FindAccount(std::string_view account_id, std::string_view region) {
  auto it = index_.find(std::make_pair(std::string(account_id), std::string(region)));
  return it == index_.end() ? nullptr : accounts_[it->second].get();
}

Account& Engine::AccountFor(std::string_view account_id, std::string_view region, Timestamp now) {
  if (Account* existing = FindAccount(account_id, region)) return *existing;
  const auto index = static_cast<std::uint32_t>(accounts_.size());
  std::unique_ptr<core::ConcurrencyLedger> ledger =
      ledger_factory_ ? ledger_factory_(account_id, region) : std::make_unique<core::LocalLedger>();
  accounts_.push_back(std::make_unique<Account>(index, std::string(account_id), std::string(region),
                                                tunables_, std::move(ledger), sink_, now));
  index_.emplace(std::make_pair(std::string(account_id), std::string(region)), index);
  return *accounts_.back();
}

}  // namespace hr::engine
