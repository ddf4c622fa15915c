#pragma once
// MemoryStateStore: the in-memory twin of SqliteStateStore, for tests and the simulator.
//
// Same semantics as the SQLite store (the shared suite in state_store_test.cc runs against
// both): same validation, same errors (kInternal for an invalid write, kNotFound for
// updating an absent queue item), same sequence and id rules, same byte-wise key order for
// prefix deletes. Nothing survives the object. Thread-safe (one mutex); any thread.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "store/state_store.h"

namespace hr::store {

class MemoryStateStore final : public StateStore {
 public:
  MemoryStateStore() = default;

  Status Apply(std::vector<Write> writes) override;
  StatusOr<std::optional<Record>> Get(std::string_view account, std::string_view region,
                                      std::string_view kind, std::string_view key) override;
  Status Scan(const RecordCallback& callback) override;

  StatusOr<std::int64_t> Push(QueueItem item) override;
  Status Update(const QueueItem& item) override;
  Status Remove(std::int64_t id) override;
  Status ScanQueue(const QueueCallback& callback) override;

 private:
  // (account, region, kind, key), ordered byte-wise like SQLite's BINARY collation.
  using Key = std::tuple<std::string, std::string, std::string, std::string>;

  void EraseLocked(std::map<Key, std::int64_t>::iterator it);

  std::mutex mu_;
  std::map<Key, std::int64_t> index_;            // guarded by mu_: key -> sequence
  std::map<std::int64_t, Record> by_sequence_;   // guarded by mu_
  std::int64_t last_sequence_ = 0;               // guarded by mu_
  std::map<std::int64_t, QueueItem> queue_;      // guarded by mu_: id -> item
  std::int64_t last_queue_id_ = 0;               // guarded by mu_
};

}  // namespace hr::store
