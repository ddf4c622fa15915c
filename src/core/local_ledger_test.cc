#include "core/local_ledger.h"

#include <gtest/gtest.h>

namespace hr::core {
namespace {

TEST(LocalLedgerTest, CapsAreExclusiveUpperBounds) {
  LocalLedger l;
  l.EnsureSlots(2, 1);
  EXPECT_TRUE(l.TryTakeReserved(0, 2));
  EXPECT_TRUE(l.TryTakeReserved(0, 2));
  EXPECT_FALSE(l.TryTakeReserved(0, 2));
  EXPECT_TRUE(l.TryTakeProvisioned(0, 1));
  EXPECT_FALSE(l.TryTakeProvisioned(0, 1));
  EXPECT_EQ(l.OnDemandBusy(0), 2);
  EXPECT_EQ(l.ProvisionedBusy(0), 1);
  EXPECT_EQ(l.UnreservedBusy(), 0);
}

TEST(LocalLedgerTest, UnreservedCountsTheFunctionAndThePool) {
  LocalLedger l;
  l.EnsureSlots(2, 0);
  EXPECT_TRUE(l.TryTakeUnreserved(0, 2));
  EXPECT_TRUE(l.TryTakeUnreserved(1, 2));
  EXPECT_FALSE(l.TryTakeUnreserved(1, 2));
  EXPECT_EQ(l.UnreservedBusy(), 2);
  l.ReleaseOnDemand(1, /*unreserved=*/true);
  EXPECT_EQ(l.UnreservedBusy(), 1);
  EXPECT_EQ(l.OnDemandBusy(1), 0);
}

TEST(LocalLedgerTest, MoveOnDemandReclassifiesInFlight) {
  LocalLedger l;
  l.EnsureSlots(1, 0);
  ASSERT_TRUE(l.TryTakeUnreserved(0, 10));
  ASSERT_TRUE(l.TryTakeUnreserved(0, 10));
  l.MoveOnDemand(0, /*to_unreserved=*/false);  // the function got RC
  EXPECT_EQ(l.UnreservedBusy(), 0);
  l.ReleaseOnDemand(0, /*unreserved=*/false);
  l.MoveOnDemand(0, /*to_unreserved=*/true);  // RC deleted
  EXPECT_EQ(l.UnreservedBusy(), 1);
}

}  // namespace
}  // namespace hr::core
