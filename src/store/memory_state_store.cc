#include "store/memory_state_store.h"

#include <utility>

namespace hr::store {
namespace {

Status ValidatePut(const Record& r) {
  if (r.account.empty() || r.region.empty() || r.kind.empty()) {
    return Status(ErrorCode::kInternal,
                  "state store: put (" + r.kind + "/" + r.key +
                      "): account, region and kind must be non-empty");
  }
  return Status::Ok();
}

Status ValidateQueueItem(const QueueItem& item) {
  if (item.account.empty() || item.region.empty() || item.attempts < 0) {
    return Status(ErrorCode::kInternal,
                  "state store: queue item: account and region must be non-empty and attempts "
                  ">= 0");
  }
  return Status::Ok();
}

}  // namespace

void MemoryStateStore::EraseLocked(std::map<Key, std::int64_t>::iterator it) {
  by_sequence_.erase(it->second);
  index_.erase(it);
}

Status MemoryStateStore::Apply(std::vector<Write> writes) {
  // Validate everything first: nothing below can fail, so the batch is all or nothing.
  for (const Write& w : writes) {
    if (w.op == Write::Op::kPut) HR_RETURN_IF_ERROR(ValidatePut(w.record));
  }
  std::lock_guard lock(mu_);
  for (Write& w : writes) {
    Record& r = w.record;
    switch (w.op) {
      case Write::Op::kPut: {
        Key key{r.account, r.region, r.kind, r.key};
        auto it = index_.find(key);
        if (it != index_.end()) EraseLocked(it);
        r.sequence = ++last_sequence_;
        index_.emplace(std::move(key), r.sequence);
        by_sequence_.emplace(r.sequence, std::move(r));
        break;
      }
      case Write::Op::kDelete: {
        auto it = index_.find(Key{r.account, r.region, r.kind, r.key});
        if (it != index_.end()) EraseLocked(it);
        break;
      }
      case Write::Op::kDeletePrefix: {
        auto it = index_.lower_bound(Key{r.account, r.region, r.kind, r.key});
        while (it != index_.end() && std::get<0>(it->first) == r.account &&
               std::get<1>(it->first) == r.region && std::get<2>(it->first) == r.kind &&
               std::get<3>(it->first).starts_with(r.key)) {
          EraseLocked(it++);
        }
        break;
      }
    }
  }
  return Status::Ok();
}

StatusOr<std::optional<Record>> MemoryStateStore::Get(std::string_view account,
                                                      std::string_view region,
                                                      std::string_view kind,
                                                      std::string_view key) {
  std::lock_guard lock(mu_);
  auto it = index_.find(Key{std::string(account), std::string(region), std::string(kind),
                            std::string(key)});
  if (it == index_.end()) return std::optional<Record>();
  return std::optional<Record>(by_sequence_.at(it->second));
}

Status MemoryStateStore::Scan(const RecordCallback& callback) {
  std::lock_guard lock(mu_);
  for (const auto& [sequence, record] : by_sequence_) HR_RETURN_IF_ERROR(callback(record));
  return Status::Ok();
}

StatusOr<std::int64_t> MemoryStateStore::Push(QueueItem item) {
  HR_RETURN_IF_ERROR(ValidateQueueItem(item));
  std::lock_guard lock(mu_);
  item.id = ++last_queue_id_;
  std::int64_t id = item.id;
  queue_.emplace(id, std::move(item));
  return id;
}

Status MemoryStateStore::Update(const QueueItem& item) {
  if (item.attempts < 0) {
    return Status(ErrorCode::kInternal, "state store: queue update: attempts must be >= 0");
  }
  std::lock_guard lock(mu_);
  auto it = queue_.find(item.id);
  if (it == queue_.end()) {
    return Status(ErrorCode::kNotFound,
                  "state store: queue item " + std::to_string(item.id) + " not found");
  }
  it->second.not_before_unix_ms = item.not_before_unix_ms;
  it->second.attempts = item.attempts;
  return Status::Ok();
}

Status MemoryStateStore::Remove(std::int64_t id) {
  std::lock_guard lock(mu_);
  queue_.erase(id);
  return Status::Ok();
}

Status MemoryStateStore::ScanQueue(const QueueCallback& callback) {
  std::lock_guard lock(mu_);
  for (const auto& [id, item] : queue_) HR_RETURN_IF_ERROR(callback(item));
  return Status::Ok();
}

}  // namespace hr::store
