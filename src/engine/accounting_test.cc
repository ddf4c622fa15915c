// The worked cases of ../shared/spec/user-stories.md, run through the model (spec §3.4).

#include <gtest/gtest.h>

#include "engine/test_fixture.h"

namespace hr::engine {
namespace {

core::Tunables ZeroMinimum() {
  core::Tunables t;
  t.unreserved_minimum = 0;
  return t;
}

class ScenarioOneTest : public AccountTest {
 protected:
  ScenarioOneTest() : AccountTest(ZeroMinimum()) {}
};

TEST_F(ScenarioOneTest, SmallAccountAlmostFull) {
  account().SetConcurrencyLimit(10, now());
  Create("A");
  Create("B");
  CreatePublished("C");
  Create("D");
  PutReserved("A", 3);
  PutReserved("B", 3);
  PutProvisionedReady("C", "1", 2);
  ASSERT_TRUE(Invoke("D").admitted());
  const PoolView pool = account().Pool();
  EXPECT_EQ(pool.allocated, 8);
  EXPECT_EQ(pool.unreserved_busy, 1);
  EXPECT_EQ(pool.claimed, 9);
  EXPECT_EQ(pool.limit - pool.claimed, 1);
}

TEST_F(AccountTest, ScenarioTwoProductionSteadyState) {
  Create("A");
  Create("B");
  CreatePublished("C");
  PutReserved("A", 400);
  PutReserved("B", 400);
  PutProvisionedReady("C", "1", 100);
  for (const char* f : {"D", "E", "F"}) Create(f);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(Invoke(i % 3 == 0 ? "D" : i % 3 == 1 ? "E" : "F").admitted());
  const PoolView pool = account().Pool();
  EXPECT_EQ(pool.claimed, 960);
  EXPECT_EQ(pool.limit - pool.claimed, 40);
  EXPECT_EQ(pool.unreserved, 100);  // GetAccountSettings: 1000 − 900
}

TEST_F(AccountTest, AwsExampleOrangeAndBlue) {
  Create("function-orange");
  CreatePublished("function-blue");
  Create("other");
  PutReserved("function-orange", 600);
  PutProvisionedReady("function-blue", "1", 200);
  EXPECT_EQ(account().Pool().claimed, 800);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(Invoke("other").admitted());
  EXPECT_EQ(account().Pool().claimed, 900);
}

TEST_F(AccountTest, RcAndPcOnOneFunctionCountOnlyRc) {
  CreatePublished("f");
  PutReserved("f", 100);
  PutProvisionedReady("f", "1", 50);
  EXPECT_EQ(account().Pool().allocated, 100);
  EXPECT_EQ(account().Pool().unreserved, 900);
  // Deleting the RC leaves the PC counting.
  ASSERT_TRUE(account().DeleteFunctionConcurrency("f", now()).ok());
  EXPECT_EQ(account().Pool().allocated, 50);
}

TEST_F(AccountTest, ProvisionedAndReservedExecutionsAreNotUnreserved) {
  CreatePublished("p");
  Create("r");
  PutProvisionedReady("p", "1", 5);
  PutReserved("r", 5);
  ASSERT_EQ(Invoke("p", "1").grant.start, core::StartKind::kProvisioned);
  ASSERT_TRUE(Invoke("r").admitted());
  EXPECT_EQ(account().Pool().unreserved_busy, 0);
  EXPECT_EQ(account().Pool().claimed, 10);
}

TEST_F(AccountTest, ApprovedLimitGrowsThePool) {
  Create("f");
  PutReserved("f", 900);
  EXPECT_EQ(account().Pool().unreserved, 100);
  account().SetConcurrencyLimit(2000, now());
  EXPECT_EQ(account().Pool().unreserved, 1100);
  EXPECT_EQ(*account().PutFunctionConcurrency("f", 1900, now()), 1900);
}

}  // namespace
}  // namespace hr::engine
