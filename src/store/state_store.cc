#include "store/state_store.h"

#include <utility>

namespace hr::store {

Write Write::Put(Record record) { return Write{Op::kPut, std::move(record)}; }

Write Write::Delete(std::string account, std::string region, std::string kind,
                    std::string key) {
  Write w{Op::kDelete, {}};
  w.record.account = std::move(account);
  w.record.region = std::move(region);
  w.record.kind = std::move(kind);
  w.record.key = std::move(key);
  return w;
}

Write Write::DeletePrefix(std::string account, std::string region, std::string kind,
                          std::string key_prefix) {
  Write w = Delete(std::move(account), std::move(region), std::move(kind), std::move(key_prefix));
  w.op = Op::kDeletePrefix;
  return w;
}

Status StateStore::Put(Record record) {
  std::vector<Write> writes;
  writes.push_back(Write::Put(std::move(record)));
  return Apply(std::move(writes));
}

Status StateStore::Delete(std::string account, std::string region, std::string kind,
                          std::string key) {
  std::vector<Write> writes;
  writes.push_back(
      Write::Delete(std::move(account), std::move(region), std::move(kind), std::move(key)));
  return Apply(std::move(writes));
}

Status StateStore::DeletePrefix(std::string account, std::string region, std::string kind,
                                std::string key_prefix) {
  std::vector<Write> writes;
  writes.push_back(Write::DeletePrefix(std::move(account), std::move(region), std::move(kind),
                                       std::move(key_prefix)));
  return Apply(std::move(writes));
}

std::optional<std::string> PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(s.back());
    if (last != 0xFF) {
      ++last;
      return s;
    }
    s.pop_back();
  }
  return std::nullopt;
}

}  // namespace hr::store
