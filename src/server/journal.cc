#include "server/journal.h"

#include <boost/json.hpp>

namespace hr::server {
namespace {

constexpr std::string_view kKind = "journal";

std::string KeyOf(std::int64_t n) {
  std::string digits = std::to_string(n);
  return std::string(20 - digits.size(), '0') + digits;
}

}  // namespace

StatusOr<std::unique_ptr<Journal>> Journal::Open(store::StateStore& store) {
  std::int64_t count = 0;
  HR_RETURN_IF_ERROR(store.Scan([&](const store::Record& r) {
    if (r.kind == kKind) ++count;
    return Status::Ok();
  }));
  return std::unique_ptr<Journal>(new Journal(store, count));
}

Status Journal::Append(const JournalEntry& entry) {
  boost::json::object doc;
  doc["method"] = entry.method;
  doc["target"] = entry.target;
  doc["at"] = entry.at.unix_nanos();
  doc["seed"] = entry.seed;
  store::Record record;
  record.account = entry.account;
  record.region = entry.region;
  record.kind = std::string(kKind);
  record.key = KeyOf(next_);
  record.document = boost::json::serialize(doc);
  record.blob = entry.body;
  HR_RETURN_IF_ERROR(store_.Put(std::move(record)));
  ++next_;
  return Status::Ok();
}

Status Journal::Replay(const std::function<Status(const JournalEntry&)>& fn) {
  return store_.Scan([&](const store::Record& r) -> Status {
    if (r.kind != kKind) return Status::Ok();
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(r.document, ec);
    if (ec || !doc.is_object()) {
      return Status(ErrorCode::kInternal, "journal entry " + r.key + " is not JSON");
    }
    const boost::json::object& o = doc.get_object();
    JournalEntry e;
    e.account = r.account;
    e.region = r.region;
    e.method = std::string(o.at("method").get_string());
    e.target = std::string(o.at("target").get_string());
    e.at = Timestamp::FromUnixNanos(o.at("at").to_number<std::int64_t>());
    if (const auto* seed = o.if_contains("seed")) e.seed = seed->to_number<std::uint64_t>();
    e.body = r.blob;
    return fn(e);
  });
}

}  // namespace hr::server
