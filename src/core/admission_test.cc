#include "core/admission.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/local_ledger.h"

namespace hr::core {
namespace {

const Timestamp kT0 = Timestamp::Epoch();

class RecordingSink : public EventSink {
 public:
  void OnEvent(const ModelEvent& e) override { events.push_back(e); }
  int Count(EventKind k) const {
    int n = 0;
    for (const auto& e : events) n += e.kind == k;
    return n;
  }
  std::vector<ModelEvent> events;
};

// One account with one function and an optional provisioned config, wired by hand.
class AdmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    account_.limit = 1000;
    account_.unreserved_minimum = 100;
    account_.request_rate = TokenBucket(10'000, 10'000, kT0);
    function_.slot = 0;
    function_.scaling = TokenBucket(1000, 100, kT0);
    pc_.slot = 0;
    ledger_.EnsureSlots(1, 1);
  }
  void MakeProvisionedReady(int n) {
    pc_.status = ProvisionedStatus::kReady;
    pc_.requested = pc_.allocated = n;
    pc_.request_rate = TokenBucket(10 * n, 10 * n, kT0);
    for (int i = 0; i < n; ++i) pc_.idle.push_back(900 + i);
    pc_.environments = pc_.idle;
    function_.provisioned_total = n;
    account_.allocated = function_.Allocation();
  }
  AdmissionDecision Admit(bool with_pc = false, bool sync = true, Timestamp now = kT0) {
    AdmissionTarget t{account_, function_, envs_, with_pc ? &pc_ : nullptr, 0, 0, 0, 0, 0};
    return core::Admit(t, ledger_, tunables_, sync, now, &sink_);
  }
  void Release(const Grant& g, bool env_alive = true, Timestamp now = kT0) {
    ReleaseTarget t{function_, env_alive ? &envs_ : nullptr,
                    env_alive && g.start == StartKind::kProvisioned ? &pc_ : nullptr, 0};
    core::Release(g, t, ledger_, now, &sink_);
  }

  Tunables tunables_;
  AccountPool account_;
  FunctionPool function_;
  ProvisionedPool pc_;
  OnDemandEnvironments envs_;
  LocalLedger ledger_;
  RecordingSink sink_;
};

TEST_F(AdmissionTest, ColdThenWarmOnTheSameEnvironment) {
  auto first = Admit();
  ASSERT_TRUE(first.admitted());
  EXPECT_EQ(first.grant.start, StartKind::kCold);
  Release(first.grant);
  auto second = Admit();
  ASSERT_TRUE(second.admitted());
  EXPECT_EQ(second.grant.start, StartKind::kWarm);
  EXPECT_EQ(second.grant.environment, first.grant.environment);
  EXPECT_EQ(sink_.Count(EventKind::kEnvironmentCreated), 1);
}

TEST_F(AdmissionTest, ProvisionedFirstThenSpilloverToUnreserved) {
  MakeProvisionedReady(1);
  auto a = Admit(/*with_pc=*/true);
  ASSERT_TRUE(a.admitted());
  EXPECT_EQ(a.grant.start, StartKind::kProvisioned);
  EXPECT_EQ(a.grant.environment, 900u);
  auto b = Admit(/*with_pc=*/true);
  ASSERT_TRUE(b.admitted());
  EXPECT_EQ(b.grant.start, StartKind::kCold);
  EXPECT_TRUE(b.grant.spillover);
  EXPECT_EQ(ledger_.UnreservedBusy(), 1);
  EXPECT_EQ(ledger_.ProvisionedBusy(0), 1);
  Release(a.grant);
  EXPECT_EQ(ledger_.ProvisionedBusy(0), 0);
  EXPECT_EQ(pc_.idle.size(), 1u);
}

TEST_F(AdmissionTest, InProgressConfigIsNotServedAndNotSpillover) {
  MakeProvisionedReady(1);
  pc_.status = ProvisionedStatus::kInProgress;
  auto a = Admit(/*with_pc=*/true);
  ASSERT_TRUE(a.admitted());
  EXPECT_NE(a.grant.start, StartKind::kProvisioned);
  EXPECT_FALSE(a.grant.spillover);
}

TEST_F(AdmissionTest, ReservedCapIsRcMinusProvisioned) {
  function_.reserved = 2;
  MakeProvisionedReady(1);
  ASSERT_TRUE(Admit(true).admitted());   // provisioned
  ASSERT_TRUE(Admit(true).admitted());   // on-demand: RC 2 − PC 1 = 1
  auto third = Admit(true);
  EXPECT_EQ(third.throttle, ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded);
  EXPECT_EQ(sink_.Count(EventKind::kThrottled), 1);
}

TEST_F(AdmissionTest, UnreservedPoolIsLimitMinusAllocated) {
  account_.limit = 3;
  account_.allocated = 1;
  ASSERT_TRUE(Admit().admitted());
  ASSERT_TRUE(Admit().admitted());
  EXPECT_EQ(Admit().throttle, ThrottleReason::kConcurrentInvocationLimitExceeded);
}

TEST_F(AdmissionTest, ScalingBucketThrottlesColdStartsOnlyAndGivesTheSlotBack) {
  function_.scaling = TokenBucket(2, 100, kT0);
  auto a = Admit();
  auto b = Admit();
  ASSERT_TRUE(a.admitted() && b.admitted());
  auto c = Admit();
  EXPECT_EQ(c.throttle, tunables_.scaling_throttle_reason);
  EXPECT_EQ(ledger_.UnreservedBusy(), 2);
  // A warm environment costs no token.
  Release(a.grant);
  auto d = Admit();
  ASSERT_TRUE(d.admitted());
  EXPECT_EQ(d.grant.start, StartKind::kWarm);
}

TEST_F(AdmissionTest, AccountRequestRateAppliesToSynchronousOnly) {
  account_.request_rate = TokenBucket(1, 1, kT0);
  auto a = Admit();
  ASSERT_TRUE(a.admitted());
  Release(a.grant);
  EXPECT_EQ(Admit().throttle, tunables_.account_rate_throttle_reason);
  EXPECT_TRUE(Admit(false, /*sync=*/false).admitted());
}

TEST_F(AdmissionTest, ProvisionedRequestRateIsTenTimesAllocated) {
  MakeProvisionedReady(1);  // 10 per second
  for (int i = 0; i < 10; ++i) {
    auto g = Admit(true);
    ASSERT_EQ(g.grant.start, StartKind::kProvisioned);
    Release(g.grant);
  }
  auto eleventh = Admit(true);
  EXPECT_EQ(eleventh.throttle, tunables_.provisioned_rate_throttle_reason);
  EXPECT_EQ(ledger_.ProvisionedBusy(0), 0);
  EXPECT_TRUE(Admit(true, true, kT0 + Duration::Millis(100)).admitted());
}

TEST_F(AdmissionTest, StaleEnvironmentIsReclaimedOnRelease) {
  auto a = Admit();
  Release(a.grant, /*env_alive=*/false);
  EXPECT_EQ(envs_.idle_count(), 0u);
  EXPECT_EQ(sink_.Count(EventKind::kEnvironmentReclaimed), 1);
  EXPECT_EQ(ledger_.UnreservedBusy(), 0);
}

TEST_F(AdmissionTest, FinishedEventCarriesElapsed) {
  auto a = Admit();
  Release(a.grant, true, kT0 + Duration::Millis(250));
  ASSERT_EQ(sink_.events.back().kind, EventKind::kFinished);
  EXPECT_EQ(sink_.events.back().elapsed, Duration::Millis(250));
}

}  // namespace
}  // namespace hr::core
