#pragma once
// Engine: every account and Region that headroom serves, each fully isolated.
//
// An account is keyed by (account id, region) and created on first use with the
// tunables' defaults (limit 1,000, AWS's unreserved minimum). All accounts share one
// EventSink; events carry the account's index. Each account gets its own ledger from the
// ledger factory (LocalLedger unless a shared ledger is plugged in).
//
// Pure: commands take `now`. Not thread-safe: AccountFor and Accounts must be serialised
// by the caller; afterwards each Account is serialised on its own (see account.h).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/events.h"
#include "core/ledger.h"
#include "core/tunables.h"
#include "engine/account.h"

namespace hr::engine {

class Engine {
 public:
  using LedgerFactory = std::function<std::unique_ptr<core::ConcurrencyLedger>(
      std::string_view account_id, std::string_view region)>;

  // `sink` may be null. An empty `ledger_factory` means LocalLedger.
  explicit Engine(core::Tunables tunables, core::EventSink* sink = nullptr,
                  LedgerFactory ledger_factory = {});

  // The account for (account_id, region); created with the default limit on first use.
  Account& AccountFor(std::string_view account_id, std::string_view region, Timestamp now);
  // Null when the account has not been used yet.
  Account* FindAccount(std::string_view account_id, std::string_view region);
  // By index (ModelEvent::account). REQUIRES: index < account_count().
  Account& AccountAt(std::uint32_t index) { return *accounts_[index]; }
  std::uint32_t account_count() const { return static_cast<std::uint32_t>(accounts_.size()); }

  const core::Tunables& tunables() const { return tunables_; }

 private:
  const core::Tunables tunables_;
  core::EventSink* sink_;
  LedgerFactory ledger_factory_;
  std::vector<std::unique_ptr<Account>> accounts_;  // by index
  std::map<std::pair<std::string, std::string>, std::uint32_t, std::less<>> index_;
};

}  // namespace hr::engine
