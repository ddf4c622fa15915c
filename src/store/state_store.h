#pragma once
// StateStore: the one narrow door between headroom and durable storage.
//
// The server persists every acknowledged control-plane write here before it answers, and on
// start rebuilds its engine by scanning the store. The store is generic: it keeps opaque
// records keyed by (account, region, kind, key) and a queue of async-invoke events; what a
// kind means and what the JSON document says is the server's business.
//
// Two implementations with identical semantics exist: SqliteStateStore (the server's, durable
// against `kill -9`) and MemoryStateStore (tests and the simulator). Both are thread-safe:
// every method may be called from any thread; calls are serialised by an internal mutex
// (the server calls from one dedicated store thread, off the I/O threads).
//
// Failures: a storage error (SQLite error, disk full, corrupt file) and an invalid write (a
// put with an empty account, region or kind; a queue item with an empty account or region
// or negative attempts) return ErrorCode::kInternal with a message naming the operation and
// the cause; both are server bugs or outages, which the edge renders as ServiceException.
// A failed call changes nothing (every call is one transaction).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace hr::store {

// One stored object, e.g. a function version, an alias, a concurrency setting.
struct Record {
  std::string account;   // REQUIRES: non-empty on Put
  std::string region;    // REQUIRES: non-empty on Put
  std::string kind;      // e.g. "function", "alias"; REQUIRES: non-empty on Put
  std::string key;       // unique within (account, region, kind); any bytes, may be empty
  std::string document;  // JSON text; opaque to the store
  std::string blob;      // opaque bytes, e.g. a code zip; may be empty
  // Assigned by the store on every Put (ignored on input): strictly increasing over the
  // store's whole life, never reused, even after a delete or a reopen. Scan order.
  std::int64_t sequence = 0;

  friend bool operator==(const Record&, const Record&) = default;
};

// One write of an atomic batch (StateStore::Apply).
struct Write {
  enum class Op {
    kPut,           // upsert `record` (all fields but sequence)
    kDelete,        // delete (account, region, kind, key) if present
    kDeletePrefix,  // delete every key of (account, region, kind) starting with record.key
  };
  Op op = Op::kPut;
  Record record;

  static Write Put(Record record);
  static Write Delete(std::string account, std::string region, std::string kind,
                      std::string key);
  static Write DeletePrefix(std::string account, std::string region, std::string kind,
                            std::string key_prefix);
};

// One durable async (Event) invocation waiting to run or to be retried.
struct QueueItem {
  std::string account;                  // REQUIRES: non-empty
  std::string region;                   // REQUIRES: non-empty
  std::int64_t id = 0;                  // assigned by Push: increasing, never reused
  std::string payload;                  // opaque bytes (the server's encoded event)
  std::int64_t enqueued_unix_ms = 0;    // when accepted (for the maximum event age)
  std::int64_t not_before_unix_ms = 0;  // do not run before this time (retry back-off)
  std::int32_t attempts = 0;            // attempts made so far; REQUIRES: >= 0

  friend bool operator==(const QueueItem&, const QueueItem&) = default;
};

// Scan callbacks. Returning a non-OK Status stops the scan, which returns that Status.
// REQUIRES: a callback must not call back into the same store (it runs under its lock).
using RecordCallback = std::function<Status(const Record& record)>;
using QueueCallback = std::function<Status(const QueueItem& item)>;

class StateStore {
 public:
  virtual ~StateStore() = default;

  // Applies `writes` in order, atomically: all of them or, on any failure, none (a failed
  // batch also consumes no sequence numbers). Each put gets its own new sequence, in batch
  // order. Deleting an absent key is not an error. An empty batch is OK.
  virtual Status Apply(std::vector<Write> writes) = 0;

  // One-write batches.
  Status Put(Record record);
  Status Delete(std::string account, std::string region, std::string kind, std::string key);
  Status DeletePrefix(std::string account, std::string region, std::string kind,
                      std::string key_prefix);

  // The record, or nullopt when absent. kInternal on a storage error.
  virtual StatusOr<std::optional<Record>> Get(std::string_view account, std::string_view region,
                                              std::string_view kind, std::string_view key) = 0;

  // Calls `callback` once per record, in sequence order (oldest write first), one record in
  // memory at a time. Returns the callback's first non-OK Status, or kInternal.
  virtual Status Scan(const RecordCallback& callback) = 0;

  // Durable async-invoke queue. Push stores `item` (its id is ignored) and returns the new
  // id. Update replaces the mutable fields (not_before_unix_ms, attempts) of the item with
  // item.id: kNotFound when there is none. Remove deletes it (absent is not an error).
  // ScanQueue calls `callback` per item in id (= insertion) order.
  virtual StatusOr<std::int64_t> Push(QueueItem item) = 0;
  virtual Status Update(const QueueItem& item) = 0;
  virtual Status Remove(std::int64_t id) = 0;
  virtual Status ScanQueue(const QueueCallback& callback) = 0;
};

// The smallest string greater than every string that starts with `prefix`, or nullopt when
// there is none (prefix empty or all 0xFF bytes). Byte-wise (memcmp) order.
std::optional<std::string> PrefixSuccessor(std::string_view prefix);

}  // namespace hr::store
