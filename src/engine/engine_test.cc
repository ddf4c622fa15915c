#include "engine/engine.h"

#include <gtest/gtest.h>

#include <vector>

namespace hr::engine {
namespace {

class RecordingSink : public core::EventSink {
 public:
  void OnEvent(const core::ModelEvent& e) override { events.push_back(e); }
  std::vector<core::ModelEvent> events;
};

const Timestamp kT0 = Timestamp::Epoch();

TEST(EngineTest, AccountsAndRegionsAreIsolated) {
  Engine engine{core::Tunables{}};
  Account& a = engine.AccountFor("111111111111", "us-east-1", kT0);
  Account& b = engine.AccountFor("222222222222", "us-east-1", kT0);
  Account& c = engine.AccountFor("111111111111", "eu-west-1", kT0);
  EXPECT_NE(&a, &b);
  EXPECT_NE(&a, &c);
  EXPECT_EQ(&a, &engine.AccountFor("111111111111", "us-east-1", kT0));
  ASSERT_TRUE(a.CreateFunction("f", kT0).ok());
  ASSERT_TRUE(a.PutFunctionConcurrency("f", 500, kT0).ok());
  EXPECT_EQ(b.GetFunctionConcurrency("f").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(c.GetFunctionConcurrency("f").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(b.Pool().unreserved, 1000);
  EXPECT_EQ(c.Pool().unreserved, 1000);
  EXPECT_EQ(engine.FindAccount("333333333333", "us-east-1"), nullptr);
  EXPECT_EQ(engine.account_count(), 3u);
}

TEST(EngineTest, DefaultsComeFromTunables) {
  core::Tunables t;
  t.account_concurrency_limit = 50;
  Engine engine{t};
  Account& a = engine.AccountFor("000000000000", "us-east-1", kT0);
  EXPECT_EQ(a.Pool().limit, 50);
  EXPECT_EQ(a.Pool().unreserved_minimum, 50);  // min(100, limit)
}

TEST(EngineTest, EventsDescribeAnInvocationInOrder) {
  RecordingSink sink;
  Engine engine{core::Tunables{}, &sink};
  Account& a = engine.AccountFor("000000000000", "us-east-1", kT0);
  ASSERT_TRUE(a.CreateFunction("f", kT0).ok());
  sink.events.clear();
  auto target = a.ResolveInvokeTarget("f", std::nullopt);
  auto d = a.Admit(*target, true, kT0);
  a.Release(d.grant, kT0 + Duration::Millis(5));
  ASSERT_EQ(sink.events.size(), 3u);
  EXPECT_EQ(sink.events[0].kind, core::EventKind::kEnvironmentCreated);
  EXPECT_EQ(sink.events[1].kind, core::EventKind::kAdmitted);
  EXPECT_EQ(sink.events[1].start, core::StartKind::kCold);
  EXPECT_EQ(sink.events[2].kind, core::EventKind::kFinished);
  EXPECT_EQ(sink.events[2].elapsed, Duration::Millis(5));
  EXPECT_EQ(a.FunctionNameOf(sink.events[1].function), "f");
}

TEST(EngineTest, ProvisioningEventsNameTheEnvironmentsToInitialise) {
  RecordingSink sink;
  Engine engine{core::Tunables{}, &sink};
  Account& a = engine.AccountFor("000000000000", "us-east-1", kT0);
  ASSERT_TRUE(a.CreateFunction("f", kT0).ok());
  ASSERT_TRUE(a.PublishVersion("f", kT0).ok());
  sink.events.clear();
  auto put = a.PutProvisionedConcurrencyConfig("f", "1", 3, kT0);
  ASSERT_TRUE(put.ok());
  int created = 0;
  for (const auto& e : sink.events) {
    if (e.kind == core::EventKind::kEnvironmentCreated) {
      EXPECT_TRUE(e.provisioned_environment);
      ++created;
    }
  }
  EXPECT_EQ(created, 3);
  EXPECT_EQ(sink.events.back().change, core::ConfigChange::kProvisioningStarted);
}

}  // namespace
}  // namespace hr::engine
