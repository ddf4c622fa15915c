#pragma once
// SqliteStateStore: the server's StateStore, one SQLite database file in WAL mode.
//
// Created by app/ at start-up (it picks the path in the data directory) and used by the
// server from its dedicated store thread; thread-safe (one connection, one mutex), so tests
// may call it from any thread. One process should own a database file at a time.
//
// Durability: every call is one transaction, committed before the call returns. With the
// default `synchronous=NORMAL` in WAL mode a committed transaction survives a crash of the
// process (`kill -9`): it is in the WAL file in the OS page cache. It does NOT survive a power
// loss or kernel crash (the last transactions may roll back; the file stays consistent)
// unless Options::full_sync (`synchronous=FULL`, an fsync per commit) is set.
//
// Schema: tables `records` (sequence = AUTOINCREMENT rowid, so never reused), `queue` and
// `schema_version` (one row). Open creates it, migrates older versions, and refuses a
// database written by a newer binary. CHECK constraints enforce the validity rules of
// state_store.h, inside the transaction, so an invalid put rolls its whole batch back.
//
// Errors: kInternal with "state store <path>: <operation>: <SQLite message> (code N)".

#include <cstdint>
#include <memory>
#include <string>

#include "store/state_store.h"

namespace hr::store {

class SqliteStateStore final : public StateStore {
 public:
  struct Options {
    // synchronous=FULL: durable against power loss too, at one fsync per write.
    bool full_sync = false;
    // How long a write waits for a lock held by another connection (e.g. the sqlite3
    // shell), in milliseconds. Default 5,000.
    int busy_timeout_ms = 5000;
    // Upper bound on the database size in bytes (PRAGMA max_page_count); 0 = unlimited.
    // A write that would pass it fails with kInternal ("database or disk is full").
    std::int64_t max_database_bytes = 0;
  };

  // Opens (creating if absent) the database file at `path`; its directory must exist.
  // Sets WAL mode, the synchronous level and busy timeout, and creates or migrates the
  // schema. kInternal when the file cannot be opened, is not a database, or has a newer
  // schema version than kSchemaVersion.
  static StatusOr<std::unique_ptr<SqliteStateStore>> Open(const std::string& path,
                                                          const Options& options);
  static StatusOr<std::unique_ptr<SqliteStateStore>> Open(const std::string& path) {
    return Open(path, Options());
  }

  // The schema version this binary writes.
  static constexpr std::int64_t kSchemaVersion = 1;

  ~SqliteStateStore() override;
  SqliteStateStore(const SqliteStateStore&) = delete;
  SqliteStateStore& operator=(const SqliteStateStore&) = delete;

  Status Apply(std::vector<Write> writes) override;
  StatusOr<std::optional<Record>> Get(std::string_view account, std::string_view region,
                                      std::string_view kind, std::string_view key) override;
  Status Scan(const RecordCallback& callback) override;

  StatusOr<std::int64_t> Push(QueueItem item) override;
  Status Update(const QueueItem& item) override;
  Status Remove(std::int64_t id) override;
  Status ScanQueue(const QueueCallback& callback) override;

 private:
  struct Impl;
  explicit SqliteStateStore(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace hr::store
