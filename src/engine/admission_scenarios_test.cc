// Admission through the engine: user-stories scenario 3, RC == Σ PC, RC = 0, the burst
// scaling rate, spillover, keep-alive and the request rate (spec §3.5).

#include <gtest/gtest.h>

#include <vector>

#include "engine/test_fixture.h"

namespace hr::engine {
namespace {

using core::StartKind;

TEST_F(AccountTest, ScenarioThreeSpike) {
  Create("A");
  Create("B");
  CreatePublished("C");
  PutReserved("A", 400);
  PutReserved("B", 400);
  PutProvisionedReady("C", "1", 100);
  for (const char* f : {"D", "E", "F", "G", "H", "I"}) Create(f);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(Invoke(i % 3 == 0 ? "D" : i % 3 == 1 ? "E" : "F").admitted());
  int admitted = 0, throttled = 0;
  for (int i = 0; i < 150; ++i) {
    auto d = Invoke(i % 3 == 0 ? "G" : i % 3 == 1 ? "H" : "I");
    if (d.admitted()) {
      ++admitted;
    } else {
      ++throttled;
      EXPECT_EQ(d.throttle, ThrottleReason::kConcurrentInvocationLimitExceeded);
    }
  }
  EXPECT_EQ(admitted, 40);
  EXPECT_EQ(throttled, 110);
  EXPECT_EQ(account().Pool().claimed, 1000);
}

TEST_F(AccountTest, RcEqualToTotalPcThrottlesLatestOnly) {
  CreatePublished("f");
  PutReserved("f", 1);
  PutProvisionedReady("f", "1", 1);
  EXPECT_EQ(Invoke("f").throttle, ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded);
  auto v1 = Invoke("f", "1");
  ASSERT_TRUE(v1.admitted());
  EXPECT_EQ(v1.grant.start, StartKind::kProvisioned);
  EXPECT_EQ(Invoke("f").throttle, ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded);
}

TEST_F(AccountTest, RcZeroThrottlesEverything) {
  CreatePublished("f");
  PutReserved("f", 0);
  EXPECT_EQ(Invoke("f").throttle, ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded);
  EXPECT_EQ(Invoke("f", "1").throttle, ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded);
  auto target = account().ResolveInvokeTarget("f", std::nullopt);
  EXPECT_FALSE(account().Admit(*target, /*synchronous=*/false, now()).admitted());
}

TEST_F(AccountTest, ReservedFunctionIsCappedAndGuaranteed) {
  Create("r");
  Create("greedy");
  PutReserved("r", 2);
  ASSERT_TRUE(Invoke("r").admitted());
  ASSERT_TRUE(Invoke("r").admitted());
  EXPECT_EQ(Invoke("r").throttle, ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded);
  // Nobody else can use r's reservation: the pool is 1000 − 2.
  int greedy = 0;
  while (Invoke("greedy").admitted()) ++greedy;
  EXPECT_EQ(greedy, 998);
}

class BurstTest : public AccountTest {};

TEST_F(BurstTest, ScalingRateOneThousandThenOneHundredPerSecond) {
  account().SetConcurrencyLimit(5000, now());  // the pool is not what throttles
  Create("f");
  int admitted = 0, throttled = 0;
  for (int i = 0; i < 1500; ++i) {
    auto d = Invoke("f");
    if (d.admitted()) {
      ++admitted;
      EXPECT_EQ(d.grant.start, StartKind::kCold);
    } else {
      ++throttled;
      EXPECT_EQ(d.throttle, ThrottleReason::kFunctionInvocationRateLimitExceeded);
    }
  }
  EXPECT_EQ(admitted, 1000);
  EXPECT_EQ(throttled, 500);
  clock_.Advance(Duration::Seconds(1));
  int more = 0;
  while (Invoke("f").admitted()) ++more;
  EXPECT_EQ(more, 100);
}

TEST_F(BurstTest, ScalingRateIsPerFunction) {
  account().SetConcurrencyLimit(5000, now());
  Create("f");
  Create("g");
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(Invoke("f").admitted());
  EXPECT_FALSE(Invoke("f").admitted());
  EXPECT_TRUE(Invoke("g").admitted());
}

TEST_F(AccountTest, WarmEnvironmentsCostNoScalingToken) {
  Create("f");
  std::vector<core::Grant> grants;
  for (int i = 0; i < 500; ++i) grants.push_back(Invoke("f").grant);
  for (const auto& g : grants) account().Release(g, now());
  // 500 warm + 500 tokens left = 1000 more at the same instant.
  int n = 0;
  while (n < 1000 && Invoke("f").admitted()) ++n;
  EXPECT_EQ(n, 1000);
}

TEST_F(AccountTest, SpilloverFromBusyProvisionedConcurrency) {
  CreatePublished("f");
  PutProvisionedReady("f", "1", 1);
  auto a = Invoke("f", "1");
  auto b = Invoke("f", "1");
  EXPECT_EQ(a.grant.start, StartKind::kProvisioned);
  EXPECT_FALSE(a.grant.spillover);
  ASSERT_TRUE(b.admitted());
  EXPECT_EQ(b.grant.start, StartKind::kCold);
  EXPECT_TRUE(b.grant.spillover);
  // $LATEST is never served by PC.
  EXPECT_NE(Invoke("f").grant.start, StartKind::kProvisioned);
  // Released: the provisioned environment serves again.
  account().Release(a.grant, now());
  EXPECT_EQ(Invoke("f", "1").grant.start, StartKind::kProvisioned);
}

TEST_F(AccountTest, VersionUsesItsAliasProvisionedConcurrency) {
  CreatePublished("f");
  ASSERT_TRUE(account().CreateAlias("f", "live", "1", now()).ok());
  PutProvisionedReady("f", "live", 2);
  EXPECT_EQ(Invoke("f", "live").grant.start, StartKind::kProvisioned);
  EXPECT_EQ(Invoke("f", "1").grant.start, StartKind::kProvisioned);
  EXPECT_TRUE(Invoke("f", "1").grant.spillover);
}

TEST_F(AccountTest, InProgressProvisioningServesOnDemand) {
  CreatePublished("f");
  ASSERT_TRUE(account().PutProvisionedConcurrencyConfig("f", "1", 1, now()).ok());
  auto d = Invoke("f", "1");
  EXPECT_EQ(d.grant.start, StartKind::kCold);
  EXPECT_FALSE(d.grant.spillover);
}

TEST_F(AccountTest, KeepAliveReclaimsIdleEnvironments) {
  Create("f");
  auto first = Invoke("f");
  account().Release(first.grant, now());
  clock_.Advance(engine_.tunables().keep_alive - Duration::Seconds(1));
  auto warm = Invoke("f");
  EXPECT_EQ(warm.grant.start, StartKind::kWarm);
  account().Release(warm.grant, now());
  clock_.Advance(engine_.tunables().keep_alive);
  account().ReclaimIdleEnvironments(now());
  EXPECT_EQ(Invoke("f").grant.start, StartKind::kCold);
}

TEST_F(AccountTest, NewCodeIsNeverServedByOldEnvironments) {
  Create("f");
  auto a = Invoke("f");
  account().Release(a.grant, now());
  auto busy = Invoke("f");  // warm, in flight across the update
  ASSERT_TRUE(account().UpdateFunctionCode("f", now()).ok());
  account().Release(busy.grant, now());
  EXPECT_EQ(Invoke("f").grant.start, StartKind::kCold);
}

TEST_F(AccountTest, AccountRequestRateIsTenTimesTheLimit) {
  account().SetConcurrencyLimit(10, now());
  Create("f");
  for (int i = 0; i < 100; ++i) {
    auto d = Invoke("f");
    ASSERT_TRUE(d.admitted()) << i;
    account().Release(d.grant, now());
  }
  EXPECT_EQ(Invoke("f").throttle, ThrottleReason::kFunctionInvocationRateLimitExceeded);
  clock_.Advance(Duration::Millis(10));  // 100/s: one token every 10 ms
  EXPECT_TRUE(Invoke("f").admitted());
}

TEST_F(AccountTest, LoweredRcDrainsWithoutNewAdmissions) {
  Create("f");
  PutReserved("f", 3);
  std::vector<core::Grant> grants;
  for (int i = 0; i < 3; ++i) grants.push_back(Invoke("f").grant);
  PutReserved("f", 1);
  EXPECT_FALSE(Invoke("f").admitted());
  account().Release(grants[0], now());
  account().Release(grants[1], now());
  EXPECT_FALSE(Invoke("f").admitted());  // still 1 busy == RC
  account().Release(grants[2], now());
  EXPECT_TRUE(Invoke("f").admitted());
}

TEST_F(AccountTest, InFlightMoveBetweenPoolsWhenRcChanges) {
  Create("f");
  auto a = Invoke("f");
  EXPECT_EQ(account().Pool().unreserved_busy, 1);
  PutReserved("f", 5);
  EXPECT_EQ(account().Pool().unreserved_busy, 0);
  EXPECT_EQ(account().Pool().claimed, 5);
  ASSERT_TRUE(account().DeleteFunctionConcurrency("f", now()).ok());
  EXPECT_EQ(account().Pool().unreserved_busy, 1);
  account().Release(a.grant, now());
  EXPECT_EQ(account().Pool().unreserved_busy, 0);
}

TEST_F(AccountTest, DeletedFunctionDrainsThenFreesItsSlot) {
  Create("f");
  auto a = Invoke("f");
  ASSERT_TRUE(account().DeleteFunction("f", std::nullopt, now()).ok());
  EXPECT_EQ(account().Pool().unreserved_busy, 1);
  Create("g");  // must not take f's slot while f still runs
  auto b = Invoke("g");
  account().Release(a.grant, now());
  EXPECT_EQ(account().Pool().unreserved_busy, 1);
  account().Release(b.grant, now());
  EXPECT_EQ(account().Pool().unreserved_busy, 0);
}

}  // namespace
}  // namespace hr::engine
