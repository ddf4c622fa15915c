// The StateStore contract, run against both implementations (SQLite and memory).

#include "store/state_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "store/memory_state_store.h"
#include "store/sqlite_state_store.h"
#include "store/testing.h"

namespace hr::store {
namespace {

Record Rec(std::string kind, std::string key, std::string document = "{}",
           std::string blob = "", std::string account = "123456789012",
           std::string region = "us-east-1") {
  Record r;
  r.account = std::move(account);
  r.region = std::move(region);
  r.kind = std::move(kind);
  r.key = std::move(key);
  r.document = std::move(document);
  r.blob = std::move(blob);
  return r;
}

QueueItem Item(std::string payload, std::int64_t not_before = 0) {
  QueueItem item;
  item.account = "123456789012";
  item.region = "us-east-1";
  item.payload = std::move(payload);
  item.enqueued_unix_ms = 1'700'000'000'000;
  item.not_before_unix_ms = not_before;
  return item;
}

struct MemoryFactory {
  std::unique_ptr<StateStore> Make() { return std::make_unique<MemoryStateStore>(); }
};

struct SqliteFactory {
  testing::TempDir dir;
  std::unique_ptr<StateStore> Make() {
    auto store = SqliteStateStore::Open(dir.File("state.db"));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return nullptr;
    return std::move(store).value();
  }
};

template <typename Factory>
class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = factory_.Make();
    ASSERT_NE(store_, nullptr);
  }

  std::optional<Record> MustGet(std::string_view kind, std::string_view key,
                                std::string_view account = "123456789012",
                                std::string_view region = "us-east-1") {
    auto got = store_->Get(account, region, kind, key);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : std::nullopt;
  }

  // (kind, key) of every record, in scan order.
  std::vector<std::string> ScanKeys() {
    std::vector<std::string> keys;
    Status s = store_->Scan([&](const Record& r) {
      keys.push_back(r.kind + ":" + r.key);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return keys;
  }

  std::vector<QueueItem> ScanQueue() {
    std::vector<QueueItem> items;
    Status s = store_->ScanQueue([&](const QueueItem& item) {
      items.push_back(item);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return items;
  }

  Factory factory_;
  std::unique_ptr<StateStore> store_;
};

using Implementations = ::testing::Types<MemoryFactory, SqliteFactory>;
class ImplName {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, MemoryFactory> ? "Memory" : "Sqlite";
  }
};
TYPED_TEST_SUITE(StateStoreTest, Implementations, ImplName);

TYPED_TEST(StateStoreTest, PutThenGetRoundTripsEveryField) {
  EXPECT_EQ(this->MustGet("function", "f"), std::nullopt);
  ASSERT_TRUE(this->store_->Put(Rec("function", "f", R"({"Timeout":3})", "zip")).ok());
  auto got = this->MustGet("function", "f");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->account, "123456789012");
  EXPECT_EQ(got->region, "us-east-1");
  EXPECT_EQ(got->kind, "function");
  EXPECT_EQ(got->key, "f");
  EXPECT_EQ(got->document, R"({"Timeout":3})");
  EXPECT_EQ(got->blob, "zip");
  EXPECT_GT(got->sequence, 0);
}

TYPED_TEST(StateStoreTest, EmptyKeyDocumentAndBlobAreValues) {
  ASSERT_TRUE(this->store_->Put(Rec("account-settings", "", "", "")).ok());
  auto got = this->MustGet("account-settings", "");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->document, "");
  EXPECT_EQ(got->blob, "");
}

TYPED_TEST(StateStoreTest, UpsertReplacesAndTakesANewSequence) {
  ASSERT_TRUE(this->store_->Put(Rec("function", "f", "{\"v\":1}", "old")).ok());
  auto first = this->MustGet("function", "f");
  ASSERT_TRUE(this->store_->Put(Rec("function", "f", "{\"v\":2}")).ok());
  auto second = this->MustGet("function", "f");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(second->document, "{\"v\":2}");
  EXPECT_EQ(second->blob, "");
  EXPECT_GT(second->sequence, first->sequence);
  EXPECT_EQ(this->ScanKeys(), std::vector<std::string>{"function:f"});
}

TYPED_TEST(StateStoreTest, SequencesIncreaseAndAreNeverReused) {
  ASSERT_TRUE(this->store_->Put(Rec("k", "a")).ok());
  ASSERT_TRUE(this->store_->Put(Rec("k", "b")).ok());
  std::int64_t b = this->MustGet("k", "b")->sequence;
  EXPECT_GT(b, this->MustGet("k", "a")->sequence);
  ASSERT_TRUE(this->store_->Delete("123456789012", "us-east-1", "k", "b").ok());
  ASSERT_TRUE(this->store_->Put(Rec("k", "c")).ok());
  EXPECT_GT(this->MustGet("k", "c")->sequence, b);
}

TYPED_TEST(StateStoreTest, IdentityIsAccountRegionKindAndKey) {
  ASSERT_TRUE(this->store_->Put(Rec("function", "f", "1")).ok());
  ASSERT_TRUE(this->store_->Put(Rec("alias", "f", "2")).ok());
  ASSERT_TRUE(this->store_->Put(Rec("function", "f", "3", "", "210987654321")).ok());
  ASSERT_TRUE(this->store_->Put(Rec("function", "f", "4", "", "123456789012", "eu-west-1")).ok());
  EXPECT_EQ(this->MustGet("function", "f")->document, "1");
  EXPECT_EQ(this->MustGet("alias", "f")->document, "2");
  EXPECT_EQ(this->MustGet("function", "f", "210987654321")->document, "3");
  EXPECT_EQ(this->MustGet("function", "f", "123456789012", "eu-west-1")->document, "4");
}

TYPED_TEST(StateStoreTest, DeleteRemovesOnlyThatRecordAndAbsentIsOk) {
  ASSERT_TRUE(this->store_->Put(Rec("function", "f")).ok());
  ASSERT_TRUE(this->store_->Put(Rec("alias", "f")).ok());
  ASSERT_TRUE(this->store_->Put(Rec("function", "f", "{}", "", "210987654321")).ok());
  ASSERT_TRUE(this->store_->Delete("123456789012", "us-east-1", "function", "f").ok());
  EXPECT_EQ(this->MustGet("function", "f"), std::nullopt);
  EXPECT_TRUE(this->MustGet("alias", "f").has_value());
  EXPECT_TRUE(this->MustGet("function", "f", "210987654321").has_value());
  EXPECT_TRUE(this->store_->Delete("123456789012", "us-east-1", "function", "f").ok());
  EXPECT_TRUE(this->store_->Delete("123456789012", "us-east-1", "function", "nope").ok());
}

TYPED_TEST(StateStoreTest, DeletePrefixSparesNeighbours) {
  for (const char* key : {"e", "f", "f/1", "f/2", "f2", "f2/1", "g"}) {
    ASSERT_TRUE(this->store_->Put(Rec("version", key)).ok());
  }
  ASSERT_TRUE(this->store_->Put(Rec("alias", "f/live")).ok());
  ASSERT_TRUE(this->store_->Put(Rec("version", "f/1", "{}", "", "210987654321")).ok());
  ASSERT_TRUE(this->store_->Put(Rec("version", "f/1", "{}", "", "123456789012", "eu-west-1")).ok());

  ASSERT_TRUE(this->store_->DeletePrefix("123456789012", "us-east-1", "version", "f/").ok());
  EXPECT_EQ(this->ScanKeys(),
            (std::vector<std::string>{"version:e", "version:f", "version:f2", "version:f2/1",
                                      "version:g", "alias:f/live", "version:f/1",
                                      "version:f/1"}));
  EXPECT_TRUE(this->MustGet("version", "f/1", "210987654321").has_value());
  EXPECT_TRUE(this->MustGet("version", "f/1", "123456789012", "eu-west-1").has_value());

  // A bare prefix is a plain byte prefix: "f" also takes "f2".
  ASSERT_TRUE(this->store_->DeletePrefix("123456789012", "us-east-1", "version", "f").ok());
  EXPECT_EQ(this->ScanKeys(), (std::vector<std::string>{"version:e", "version:g", "alias:f/live",
                                                        "version:f/1", "version:f/1"}));
  // The empty prefix takes the whole kind of that account and region.
  ASSERT_TRUE(this->store_->DeletePrefix("123456789012", "us-east-1", "version", "").ok());
  EXPECT_EQ(this->ScanKeys(),
            (std::vector<std::string>{"alias:f/live", "version:f/1", "version:f/1"}));
}

TYPED_TEST(StateStoreTest, DeletePrefixIsByteWiseAtTheTopOfTheRange) {
  const std::string ff = "a\xff";
  for (const std::string& key : {std::string("a"), ff, ff + "\x01", ff + "\xff", std::string("b"),
                                 std::string("\xff"), std::string("\xff\xff")}) {
    ASSERT_TRUE(this->store_->Put(Rec("k", key)).ok());
  }
  ASSERT_TRUE(this->store_->DeletePrefix("123456789012", "us-east-1", "k", ff).ok());
  EXPECT_EQ(this->ScanKeys(),
            (std::vector<std::string>{"k:a", "k:b", "k:\xff", "k:\xff\xff"}));
  ASSERT_TRUE(this->store_->DeletePrefix("123456789012", "us-east-1", "k", "\xff").ok());
  EXPECT_EQ(this->ScanKeys(), (std::vector<std::string>{"k:a", "k:b"}));
}

TYPED_TEST(StateStoreTest, InvalidPutIsAnInternalError) {
  EXPECT_EQ(this->store_->Put(Rec("", "k")).code(), ErrorCode::kInternal);
  EXPECT_EQ(this->store_->Put(Rec("k", "k", "{}", "", "")).code(), ErrorCode::kInternal);
  EXPECT_EQ(this->store_->Put(Rec("k", "k", "{}", "", "123456789012", "")).code(),
            ErrorCode::kInternal);
  EXPECT_TRUE(this->ScanKeys().empty());
}

TYPED_TEST(StateStoreTest, ApplyIsAllOrNothing) {
  ASSERT_TRUE(this->store_->Put(Rec("function", "x", "before")).ok());
  std::int64_t x_sequence = this->MustGet("function", "x")->sequence;

  std::vector<Write> batch;
  batch.push_back(Write::Put(Rec("function", "a")));
  batch.push_back(Write::Put(Rec("function", "x", "after")));
  batch.push_back(Write::Delete("123456789012", "us-east-1", "function", "x"));
  batch.push_back(Write::DeletePrefix("123456789012", "us-east-1", "function", ""));
  batch.push_back(Write::Put(Rec("", "invalid")));  // the injected failure
  batch.push_back(Write::Put(Rec("function", "b")));
  Status s = this->store_->Apply(std::move(batch));
  EXPECT_EQ(s.code(), ErrorCode::kInternal) << s.ToString();

  EXPECT_EQ(this->ScanKeys(), std::vector<std::string>{"function:x"});
  EXPECT_EQ(this->MustGet("function", "x")->document, "before");
  EXPECT_EQ(this->MustGet("function", "x")->sequence, x_sequence);

  // The store is still usable, and a valid batch applies in order.
  std::vector<Write> ok_batch;
  ok_batch.push_back(Write::Put(Rec("function", "a")));
  ok_batch.push_back(Write::Delete("123456789012", "us-east-1", "function", "x"));
  ok_batch.push_back(Write::Put(Rec("function", "b", "1")));
  ok_batch.push_back(Write::Put(Rec("function", "b", "2")));
  ASSERT_TRUE(this->store_->Apply(std::move(ok_batch)).ok());
  EXPECT_EQ(this->ScanKeys(), (std::vector<std::string>{"function:a", "function:b"}));
  EXPECT_EQ(this->MustGet("function", "b")->document, "2");
  EXPECT_GT(this->MustGet("function", "a")->sequence, x_sequence);
  EXPECT_GT(this->MustGet("function", "b")->sequence, this->MustGet("function", "a")->sequence);
  EXPECT_TRUE(this->store_->Apply({}).ok());
}

TYPED_TEST(StateStoreTest, ScanIsInSequenceOrderAndStopsOnCallbackError) {
  for (const char* key : {"c", "a", "b"}) ASSERT_TRUE(this->store_->Put(Rec("k", key)).ok());
  ASSERT_TRUE(this->store_->Put(Rec("k", "a", "again")).ok());
  EXPECT_EQ(this->ScanKeys(), (std::vector<std::string>{"k:c", "k:b", "k:a"}));

  std::int64_t last = 0;
  int seen = 0;
  Status s = this->store_->Scan([&](const Record& r) {
    EXPECT_GT(r.sequence, last);
    last = r.sequence;
    if (++seen == 2) return Status(ErrorCode::kInvalidParameter, "stop");
    return Status::Ok();
  });
  EXPECT_EQ(s, Status(ErrorCode::kInvalidParameter, "stop"));
  EXPECT_EQ(seen, 2);
  // The interrupted scan left nothing locked or half-read behind.
  ASSERT_TRUE(this->store_->Put(Rec("k", "d")).ok());
  EXPECT_EQ(this->ScanKeys().size(), 4u);
}

TYPED_TEST(StateStoreTest, MegabyteBlobsAndBinaryBytesRoundTrip) {
  std::mt19937 rng(42);
  std::string big(3 * 1024 * 1024 + 17, '\0');
  for (char& c : big) c = static_cast<char>(rng());
  std::string doc = "{\"name\":\"caf\xc3\xa9\",\"n\":\"\\u0000\"}";
  ASSERT_TRUE(this->store_->Put(Rec("code", "f/1", doc, big)).ok());
  ASSERT_TRUE(this->store_->Put(Rec("code", std::string("with\0nul", 8), "{}", "x")).ok());
  auto got = this->MustGet("code", "f/1");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->document, doc);
  EXPECT_TRUE(got->blob == big) << "blob of " << got->blob.size() << " bytes differs";
  EXPECT_EQ(this->MustGet("code", std::string("with\0nul", 8))->blob, "x");
  EXPECT_EQ(this->MustGet("code", "with"), std::nullopt);
  std::size_t scanned = 0;
  ASSERT_TRUE(this->store_->Scan([&](const Record& r) {
    scanned += r.blob.size();
    return Status::Ok();
  }).ok());
  EXPECT_EQ(scanned, big.size() + 1);
}

TYPED_TEST(StateStoreTest, QueuePushUpdateRemoveScan) {
  auto a = this->store_->Push(Item("a", 10));
  auto b = this->store_->Push(Item(std::string("b\0\xff", 3), 5));
  auto c = this->store_->Push(Item("c"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_GT(*a, 0);
  EXPECT_LT(*a, *b);
  EXPECT_LT(*b, *c);

  auto items = this->ScanQueue();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].id, *a);
  EXPECT_EQ(items[1].payload, std::string("b\0\xff", 3));
  EXPECT_EQ(items[1].not_before_unix_ms, 5);
  EXPECT_EQ(items[1].enqueued_unix_ms, 1'700'000'000'000);
  EXPECT_EQ(items[2].id, *c);

  QueueItem retry = items[0];
  retry.not_before_unix_ms = 60'000;
  retry.attempts = 1;
  retry.payload = "ignored: the payload is immutable";
  ASSERT_TRUE(this->store_->Update(retry).ok());
  items = this->ScanQueue();
  EXPECT_EQ(items[0].not_before_unix_ms, 60'000);
  EXPECT_EQ(items[0].attempts, 1);
  EXPECT_EQ(items[0].payload, "a");

  ASSERT_TRUE(this->store_->Remove(*c).ok());
  EXPECT_TRUE(this->store_->Remove(*c).ok());
  retry.id = *c;
  EXPECT_EQ(this->store_->Update(retry).code(), ErrorCode::kNotFound);
  retry.attempts = -1;
  EXPECT_EQ(this->store_->Update(retry).code(), ErrorCode::kInternal);
  retry.id = *a;
  EXPECT_EQ(this->store_->Update(retry).code(), ErrorCode::kInternal);

  auto d = this->store_->Push(Item("d"));
  ASSERT_TRUE(d.ok());
  EXPECT_GT(*d, *c);  // ids are never reused
  items = this->ScanQueue();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].payload, "a");
  EXPECT_EQ(items[1].id, *b);
  EXPECT_EQ(items[2].payload, "d");

  QueueItem bad = Item("x");
  bad.account = "";
  EXPECT_EQ(this->store_->Push(bad).status().code(), ErrorCode::kInternal);
  bad = Item("x");
  bad.attempts = -1;
  EXPECT_EQ(this->store_->Push(bad).status().code(), ErrorCode::kInternal);
  EXPECT_EQ(this->ScanQueue().size(), 3u);
  // Records and queue are independent.
  EXPECT_TRUE(this->ScanKeys().empty());
}

TYPED_TEST(StateStoreTest, ConcurrentWritersFromSeveralThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string key = std::to_string(t) + "/" + std::to_string(i);
        EXPECT_TRUE(this->store_->Put(Rec("k", key)).ok());
        EXPECT_TRUE(this->store_->Push(Item(key)).ok());
        EXPECT_TRUE(this->store_->Get("123456789012", "us-east-1", "k", key).ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::int64_t> sequences;
  ASSERT_TRUE(this->store_->Scan([&](const Record& r) {
    sequences.insert(r.sequence);
    return Status::Ok();
  }).ok());
  EXPECT_EQ(sequences.size(), std::size_t{kThreads * kPerThread});
  EXPECT_EQ(this->ScanQueue().size(), std::size_t{kThreads * kPerThread});
}

TEST(PrefixSuccessorTest, Bytes) {
  EXPECT_EQ(PrefixSuccessor(""), std::nullopt);
  EXPECT_EQ(PrefixSuccessor("\xff\xff"), std::nullopt);
  EXPECT_EQ(PrefixSuccessor("f/"), "f0");
  EXPECT_EQ(PrefixSuccessor("a\xff"), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("a\0", 2)), std::string("a\x01", 2));
}

}  // namespace
}  // namespace hr::store
