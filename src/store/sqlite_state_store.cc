#include "store/sqlite_state_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <mutex>
#include <string_view>
#include <utility>

namespace hr::store {
namespace {

struct StmtDeleter {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

// Resets a reused prepared statement when the scope ends, releasing its read snapshot and
// the memory its bindings point to (bindings are SQLITE_STATIC: they borrow the caller's
// strings for the duration of the call).
class StmtUse {
 public:
  explicit StmtUse(const Stmt& stmt) : stmt_(stmt.get()) {}
  ~StmtUse() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  StmtUse(const StmtUse&) = delete;
  StmtUse& operator=(const StmtUse&) = delete;
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_;
};

// Binds a sequence of values, remembering the first failure (SQLITE_TOOBIG, ...).
class Binder {
 public:
  explicit Binder(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Binder& Text(std::string_view v) {
    // A non-null pointer with length 0 binds '' (a null pointer would bind NULL).
    Check(sqlite3_bind_text64(stmt_, ++index_, v.empty() ? "" : v.data(), v.size(),
                              SQLITE_STATIC, SQLITE_UTF8));
    return *this;
  }
  Binder& Blob(std::string_view v) {
    Check(sqlite3_bind_blob64(stmt_, ++index_, v.empty() ? "" : v.data(), v.size(),
                              SQLITE_STATIC));
    return *this;
  }
  Binder& Int(std::int64_t v) {
    Check(sqlite3_bind_int64(stmt_, ++index_, v));
    return *this;
  }
  int rc() const { return rc_; }

 private:
  void Check(int rc) {
    if (rc_ == SQLITE_OK) rc_ = rc;
  }
  sqlite3_stmt* stmt_;
  int index_ = 0;
  int rc_ = SQLITE_OK;
};

// Column `i` as raw bytes (TEXT or BLOB, no conversion, embedded NULs kept).
std::string ColumnBytes(sqlite3_stmt* stmt, int i) {
  const void* data = sqlite3_column_blob(stmt, i);
  int size = sqlite3_column_bytes(stmt, i);
  if (data == nullptr || size <= 0) return std::string();
  return std::string(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

// Reads the columns (sequence, account, region, kind, key, document, blob).
Record RecordFromRow(sqlite3_stmt* stmt) {
  Record r;
  r.sequence = sqlite3_column_int64(stmt, 0);
  r.account = ColumnBytes(stmt, 1);
  r.region = ColumnBytes(stmt, 2);
  r.kind = ColumnBytes(stmt, 3);
  r.key = ColumnBytes(stmt, 4);
  r.document = ColumnBytes(stmt, 5);
  r.blob = ColumnBytes(stmt, 6);
  return r;
}

// Reads the columns (id, account, region, payload, enqueued, not_before, attempts).
QueueItem QueueItemFromRow(sqlite3_stmt* stmt) {
  QueueItem item;
  item.id = sqlite3_column_int64(stmt, 0);
  item.account = ColumnBytes(stmt, 1);
  item.region = ColumnBytes(stmt, 2);
  item.payload = ColumnBytes(stmt, 3);
  item.enqueued_unix_ms = sqlite3_column_int64(stmt, 4);
  item.not_before_unix_ms = sqlite3_column_int64(stmt, 5);
  item.attempts = static_cast<std::int32_t>(sqlite3_column_int64(stmt, 6));
  return item;
}

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE records (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  account  TEXT NOT NULL CHECK (account <> ''),
  region   TEXT NOT NULL CHECK (region <> ''),
  kind     TEXT NOT NULL CHECK (kind <> ''),
  "key"    TEXT NOT NULL,
  document TEXT NOT NULL,
  blob     BLOB NOT NULL,
  UNIQUE (account, region, kind, "key")
);
CREATE TABLE queue (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  account            TEXT NOT NULL CHECK (account <> ''),
  region             TEXT NOT NULL CHECK (region <> ''),
  payload            BLOB NOT NULL,
  enqueued_unix_ms   INTEGER NOT NULL,
  not_before_unix_ms INTEGER NOT NULL,
  attempts           INTEGER NOT NULL CHECK (attempts >= 0)
);
INSERT INTO schema_version (version) VALUES (1);
)sql";

}  // namespace

struct SqliteStateStore::Impl {
  std::string path;
  sqlite3* db = nullptr;
  std::mutex mu;  // serialises every use of db and the statements below

  Stmt begin, commit, rollback;
  Stmt put, del, del_range, del_from, get, scan;
  Stmt push, update, remove, scan_queue;

  ~Impl() {
    // close_v2 defers the close until the statements (members, finalized after this body)
    // are gone.
    if (db != nullptr) sqlite3_close_v2(db);
  }

  // `what` names the operation, `detail` (optional) its subject, e.g. "function/f".
  Status Error(std::string_view what, int rc, std::string_view detail = {}) const {
    // Appended piece by piece: GCC 12 misreports -Wrestrict on chained operator+.
    std::string message = "state store ";
    message.append(path).append(": ").append(what);
    if (!detail.empty()) message.append(" ").append(detail);
    message.append(": ").append(db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    message.append(" (code ").append(std::to_string(rc)).append(")");
    return Status(ErrorCode::kInternal, std::move(message));
  }

  Status Exec(const char* sql, std::string_view what) {
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return Error(what, rc);
    return Status::Ok();
  }

  Status Prepare(Stmt& stmt, const char* sql) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    stmt.reset(raw);
    if (rc != SQLITE_OK) return Error(std::string("prepare: ") + sql, rc);
    return Status::Ok();
  }

  // Runs a statement whose bindings `binder` reports on; expects it to finish (DONE).
  Status Run(const StmtUse& use, const Binder& binder, std::string_view what,
             std::string_view detail = {}) {
    if (binder.rc() != SQLITE_OK) return Error(what, binder.rc(), detail);
    int rc = sqlite3_step(use.get());
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return Error(what, rc, detail);
    return Status::Ok();
  }

  Status Run(const Stmt& stmt, std::string_view what) {
    StmtUse use(stmt);
    return Run(use, Binder(use.get()), what);
  }

  void RollbackIfOpen() {
    // Some errors (SQLITE_FULL, IOERR, NOMEM) may already have rolled the transaction back.
    if (sqlite3_get_autocommit(db) == 0) (void)Run(rollback, "rollback");
  }

  // Names the record in a failed write's message: "...: <cause> [account/region/kind/key]".
  static Status WithSubject(Status s, const Record& r) {
    if (s.ok()) return s;
    return Status(s.code(), s.message() + " [" + r.account + "/" + r.region + "/" + r.kind +
                                "/" + r.key + "]");
  }

  Status ApplyOne(const Write& w) {
    const Record& r = w.record;
    switch (w.op) {
      case Write::Op::kPut: {
        StmtUse use(put);
        Binder b(use.get());
        b.Text(r.account).Text(r.region).Text(r.kind).Text(r.key).Text(r.document).Blob(r.blob);
        return WithSubject(Run(use, b, "put"), r);
      }
      case Write::Op::kDelete: {
        StmtUse use(del);
        Binder b(use.get());
        b.Text(r.account).Text(r.region).Text(r.kind).Text(r.key);
        return WithSubject(Run(use, b, "delete"), r);
      }
      case Write::Op::kDeletePrefix: {
        std::optional<std::string> end = PrefixSuccessor(r.key);
        StmtUse use(end ? del_range : del_from);
        Binder b(use.get());
        b.Text(r.account).Text(r.region).Text(r.kind).Text(r.key);
        if (end) b.Text(*end);
        return WithSubject(Run(use, b, "delete prefix"), r);
      }
    }
    return Status(ErrorCode::kInternal, "state store: unknown write op");
  }

  // Creates the schema or checks/migrates it. Runs inside a write transaction.
  Status CreateOrMigrateSchema() {
    HR_RETURN_IF_ERROR(Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                            "create schema_version"));
    Stmt read;
    HR_RETURN_IF_ERROR(Prepare(read, "SELECT version FROM schema_version"));
    std::int64_t version = 0;
    {
      StmtUse use(read);
      int rc = sqlite3_step(use.get());
      if (rc == SQLITE_ROW) {
        version = sqlite3_column_int64(use.get(), 0);
      } else if (rc != SQLITE_DONE) {
        return Error("read schema_version", rc);
      }
    }
    if (version == 0) return Exec(kSchemaV1, "create schema v1");
    if (version > kSchemaVersion) {
      return Status(ErrorCode::kInternal,
                    "state store " + path + ": schema version " + std::to_string(version) +
                        " is newer than this binary's (" + std::to_string(kSchemaVersion) +
                        "); refusing to open");
    }
    // Migrations from older versions go here, one step per version, e.g.
    //   if (version == 1) { HR_RETURN_IF_ERROR(Exec(kMigrateV1ToV2, ...)); version = 2; }
    return Status::Ok();
  }

  Status Init(const Options& options) {
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, options.busy_timeout_ms);
    {
      Stmt mode;
      HR_RETURN_IF_ERROR(Prepare(mode, "PRAGMA journal_mode=WAL"));
      StmtUse use(mode);
      int rc = sqlite3_step(use.get());
      if (rc != SQLITE_ROW) return Error("set journal_mode=WAL", rc);
      std::string got = ColumnBytes(use.get(), 0);
      if (got != "wal") {
        return Status(ErrorCode::kInternal,
                      "state store " + path + ": journal_mode=WAL refused (mode is " + got + ")");
      }
    }
    HR_RETURN_IF_ERROR(Exec(options.full_sync ? "PRAGMA synchronous=FULL"
                                              : "PRAGMA synchronous=NORMAL",
                            "set synchronous"));
    if (options.max_database_bytes > 0) {
      std::int64_t page_size = 4096;
      {
        Stmt ps;
        HR_RETURN_IF_ERROR(Prepare(ps, "PRAGMA page_size"));
        StmtUse use(ps);
        if (sqlite3_step(use.get()) == SQLITE_ROW) page_size = sqlite3_column_int64(use.get(), 0);
      }
      std::int64_t pages = std::max<std::int64_t>(1, options.max_database_bytes / page_size);
      std::string sql = "PRAGMA max_page_count=" + std::to_string(pages);
      HR_RETURN_IF_ERROR(Exec(sql.c_str(), "set max_page_count"));
    }

    HR_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", "begin schema transaction"));
    Status schema = CreateOrMigrateSchema();
    if (schema.ok()) schema = Exec("COMMIT", "commit schema");
    if (!schema.ok()) {
      RollbackIfOpenRaw();
      return schema;
    }

    HR_RETURN_IF_ERROR(Prepare(begin, "BEGIN IMMEDIATE"));
    HR_RETURN_IF_ERROR(Prepare(commit, "COMMIT"));
    HR_RETURN_IF_ERROR(Prepare(rollback, "ROLLBACK"));
    // REPLACE deletes the old row and inserts a new one, so an upsert takes a new
    // AUTOINCREMENT sequence. (CHECK failures still abort: REPLACE covers only UNIQUE.)
    HR_RETURN_IF_ERROR(Prepare(put,
        "INSERT OR REPLACE INTO records (account, region, kind, \"key\", document, blob) "
        "VALUES (?, ?, ?, ?, ?, ?)"));
    HR_RETURN_IF_ERROR(Prepare(del,
        "DELETE FROM records WHERE account = ? AND region = ? AND kind = ? AND \"key\" = ?"));
    // Prefix as a byte-wise range [prefix, successor): uses the UNIQUE index, and unlike
    // LIKE/GLOB has no wildcards to escape and no case folding.
    HR_RETURN_IF_ERROR(Prepare(del_range,
        "DELETE FROM records WHERE account = ? AND region = ? AND kind = ? "
        "AND \"key\" >= ? AND \"key\" < ?"));
    HR_RETURN_IF_ERROR(Prepare(del_from,
        "DELETE FROM records WHERE account = ? AND region = ? AND kind = ? AND \"key\" >= ?"));
    HR_RETURN_IF_ERROR(Prepare(get,
        "SELECT sequence, account, region, kind, \"key\", document, blob FROM records "
        "WHERE account = ? AND region = ? AND kind = ? AND \"key\" = ?"));
    HR_RETURN_IF_ERROR(Prepare(scan,
        "SELECT sequence, account, region, kind, \"key\", document, blob FROM records "
        "ORDER BY sequence"));
    HR_RETURN_IF_ERROR(Prepare(push,
        "INSERT INTO queue (account, region, payload, enqueued_unix_ms, not_before_unix_ms, "
        "attempts) VALUES (?, ?, ?, ?, ?, ?)"));
    HR_RETURN_IF_ERROR(Prepare(update,
        "UPDATE queue SET not_before_unix_ms = ?, attempts = ? WHERE id = ?"));
    HR_RETURN_IF_ERROR(Prepare(remove, "DELETE FROM queue WHERE id = ?"));
    HR_RETURN_IF_ERROR(Prepare(scan_queue,
        "SELECT id, account, region, payload, enqueued_unix_ms, not_before_unix_ms, attempts "
        "FROM queue ORDER BY id"));
    return Status::Ok();
  }

  void RollbackIfOpenRaw() {
    if (sqlite3_get_autocommit(db) == 0) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
};

StatusOr<std::unique_ptr<SqliteStateStore>> SqliteStateStore::Open(const std::string& path,
                                                                   const Options& options) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  int rc = sqlite3_open_v2(path.c_str(), &impl->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) return impl->Error("open", rc);
  HR_RETURN_IF_ERROR(impl->Init(options));
  return std::unique_ptr<SqliteStateStore>(new SqliteStateStore(std::move(impl)));
}

SqliteStateStore::SqliteStateStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteStateStore::~SqliteStateStore() = default;

Status SqliteStateStore::Apply(std::vector<Write> writes) {
  if (writes.empty()) return Status::Ok();
  std::lock_guard lock(impl_->mu);
  HR_RETURN_IF_ERROR(impl_->Run(impl_->begin, "begin"));
  for (const Write& w : writes) {
    Status s = impl_->ApplyOne(w);
    if (!s.ok()) {
      impl_->RollbackIfOpen();
      return s;
    }
  }
  Status s = impl_->Run(impl_->commit, "commit");
  if (!s.ok()) impl_->RollbackIfOpen();
  return s;
}

StatusOr<std::optional<Record>> SqliteStateStore::Get(std::string_view account,
                                                      std::string_view region,
                                                      std::string_view kind,
                                                      std::string_view key) {
  std::lock_guard lock(impl_->mu);
  StmtUse use(impl_->get);
  Binder b(use.get());
  b.Text(account).Text(region).Text(kind).Text(key);
  if (b.rc() != SQLITE_OK) return impl_->Error("get", b.rc());
  int rc = sqlite3_step(use.get());
  if (rc == SQLITE_ROW) return std::optional<Record>(RecordFromRow(use.get()));
  if (rc == SQLITE_DONE) return std::optional<Record>();
  return impl_->Error("get", rc, std::string(kind) + "/" + std::string(key));
}

Status SqliteStateStore::Scan(const RecordCallback& callback) {
  std::lock_guard lock(impl_->mu);
  StmtUse use(impl_->scan);
  while (true) {
    int rc = sqlite3_step(use.get());
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return impl_->Error("scan", rc);
    HR_RETURN_IF_ERROR(callback(RecordFromRow(use.get())));
  }
}

StatusOr<std::int64_t> SqliteStateStore::Push(QueueItem item) {
  std::lock_guard lock(impl_->mu);
  StmtUse use(impl_->push);
  Binder b(use.get());
  b.Text(item.account).Text(item.region).Blob(item.payload).Int(item.enqueued_unix_ms)
      .Int(item.not_before_unix_ms).Int(item.attempts);
  HR_RETURN_IF_ERROR(impl_->Run(use, b, "queue push"));
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(impl_->db));
}

Status SqliteStateStore::Update(const QueueItem& item) {
  // Checked here too so that an invalid update of an absent item fails the same way as in
  // MemoryStateStore (the CHECK constraint would only see an existing row).
  if (item.attempts < 0) {
    return Status(ErrorCode::kInternal, "state store: queue update: attempts must be >= 0");
  }
  std::lock_guard lock(impl_->mu);
  StmtUse use(impl_->update);
  Binder b(use.get());
  b.Int(item.not_before_unix_ms).Int(item.attempts).Int(item.id);
  HR_RETURN_IF_ERROR(impl_->Run(use, b, "queue update"));
  if (sqlite3_changes(impl_->db) == 0) {
    return Status(ErrorCode::kNotFound,
                  "state store: queue item " + std::to_string(item.id) + " not found");
  }
  return Status::Ok();
}

Status SqliteStateStore::Remove(std::int64_t id) {
  std::lock_guard lock(impl_->mu);
  StmtUse use(impl_->remove);
  Binder b(use.get());
  b.Int(id);
  return impl_->Run(use, b, "queue remove");
}

Status SqliteStateStore::ScanQueue(const QueueCallback& callback) {
  std::lock_guard lock(impl_->mu);
  StmtUse use(impl_->scan_queue);
  while (true) {
    int rc = sqlite3_step(use.get());
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return impl_->Error("queue scan", rc);
    HR_RETURN_IF_ERROR(callback(QueueItemFromRow(use.get())));
  }
}

}  // namespace hr::store
