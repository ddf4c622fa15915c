#pragma once
// Journal: every acknowledged control-plane write, in the order it was applied, kept in the
// StateStore before the client hears "yes" — and replayed through the same handlers when the
// server starts, which rebuilds the engine exactly (functions, versions, aliases, code,
// reserved and provisioned concurrency, READY configs staying READY).
//
// An entry is the request itself (method, target, body, caller, time) or an internal event
// the server applied on its own (a provisioned config becoming READY). The journal only grows;
// compaction into a snapshot is future work. Thread-safe (the store is).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "base/time.h"
#include "store/state_store.h"

namespace hr::server {

struct JournalEntry {
  std::string account;
  std::string region;
  std::string method;  // an HTTP method, or "READY"/"FAILED" for a provisioned config's allocation
  std::string target;  // the raw request target, or "<function>\n<qualifier>" for READY
  std::string body;
  Timestamp at;
  std::uint64_t seed = 0;  // the write's IdSequence seed (server/request_id.h)
};

class Journal {
 public:
  // Reads the store's existing journal length. Errors: the store's.
  static StatusOr<std::unique_ptr<Journal>> Open(store::StateStore& store);

  // Durable before it returns. Errors: kInternal from the store.
  Status Append(const JournalEntry& entry);
  // Every entry in append order. Stops at the first error `fn` returns.
  Status Replay(const std::function<Status(const JournalEntry&)>& fn);

 private:
  explicit Journal(store::StateStore& store, std::int64_t next) : store_(store), next_(next) {}
  store::StateStore& store_;
  std::int64_t next_;  // key of the next entry; guarded by the caller's write serialisation
};

}  // namespace hr::server
