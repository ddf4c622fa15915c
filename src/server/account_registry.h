#pragma once
// AccountRegistry: the engine, shared by the server's threads, one account at a time.
//
// The engine is single-threaded by contract. The registry serialises access per account:
// With(account, region, fn) runs `fn(Account&)` holding that account's mutex, so requests for
// different accounts never wait on each other and the critical sections are the engine's own
// (nanoseconds to microseconds). Finding or creating the account takes a short registry-wide
// lock. Safe from any thread. `fn` must not call back into the registry.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "engine/engine.h"

namespace hr::server {

class AccountRegistry {
 public:
  AccountRegistry(core::Tunables tunables, const Clock& clock, core::EventSink* sink = nullptr);

  template <typename Fn>
  auto With(std::string_view account_id, std::string_view region, Fn&& fn) {
    Entry& entry = EntryFor(account_id, region);
    std::lock_guard<std::mutex> lock(entry.mutex);
    return fn(*entry.account);
  }

  // Runs `fn(Account&)` for every account created so far, each under its own lock.
  template <typename Fn>
  void ForEach(Fn&& fn) {
    std::vector<Entry*> entries;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& e : entries_) entries.push_back(e.get());
    }
    for (Entry* e : entries) {
      std::lock_guard<std::mutex> lock(e->mutex);
      fn(*e->account);
    }
  }

  const Clock& clock() const { return clock_; }

 private:
  struct Entry {
    std::mutex mutex;
    engine::Account* account = nullptr;
  };
  Entry& EntryFor(std::string_view account_id, std::string_view region);

  const Clock& clock_;
  std::mutex mutex_;  // guards engine_'s account table and entries_
  engine::Engine engine_;
  std::vector<std::unique_ptr<Entry>> entries_;  // by account index
};

}  // namespace hr::server
