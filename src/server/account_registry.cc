#include "server/account_registry.h"

namespace hr::server {

AccountRegistry::AccountRegistry(core::Tunables tunables, const Clock& clock,
                                 core::EventSink* sink)
    : clock_(clock), engine_(std::move(tunables), sink) {}

AccountRegistry::Entry& AccountRegistry::EntryFor(std::string_view account_id,
                                                  std::string_view region) {
  std::lock_guard<std::mutex> lock(mutex_);
  engine::Account& account = engine_.AccountFor(account_id, region, clock_.Now());
  while (entries_.size() <= account.index()) entries_.push_back(std::make_unique<Entry>());
  Entry& entry = *entries_[account.index()];
  entry.account = &account;
  return entry;
}

}  // namespace hr::server
