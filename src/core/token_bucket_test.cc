#include "core/token_bucket.h"

#include <gtest/gtest.h>

namespace hr::core {
namespace {

const Timestamp kT0 = Timestamp::Epoch();

TEST(TokenBucketTest, StartsFullAndEmpties) {
  TokenBucket b(3, 1, kT0);
  EXPECT_TRUE(b.TryTake(kT0));
  EXPECT_TRUE(b.TryTake(kT0));
  EXPECT_TRUE(b.TryTake(kT0));
  EXPECT_FALSE(b.TryTake(kT0));
}

TEST(TokenBucketTest, ScalingRateRefillsExactly100PerSecond) {
  TokenBucket b(1000, 100, kT0);
  int taken = 0;
  while (b.TryTake(kT0)) ++taken;
  EXPECT_EQ(taken, 1000);
  const Timestamp t1 = kT0 + Duration::Seconds(1);
  taken = 0;
  while (b.TryTake(t1)) ++taken;
  EXPECT_EQ(taken, 100);
}

TEST(TokenBucketTest, ContinuousRefillCountsFractions) {
  TokenBucket b(10, 100, kT0);
  while (b.TryTake(kT0)) {
  }
  // 100/s: one token every 10 ms; 9.999 ms is not enough, 10 ms is.
  EXPECT_FALSE(b.TryTake(kT0 + Duration::Micros(9'999)));
  EXPECT_TRUE(b.TryTake(kT0 + Duration::Millis(10)));
  EXPECT_FALSE(b.TryTake(kT0 + Duration::Millis(10)));
}

TEST(TokenBucketTest, NeverAccruesAboveCapacity) {
  TokenBucket b(1000, 100, kT0);
  EXPECT_EQ(b.Available(kT0 + Duration::Hours(24 * 365)), 1000);
}

TEST(TokenBucketTest, TimeGoingBackwardsRefillsNothing) {
  TokenBucket b(1, 1, kT0 + Duration::Seconds(5));
  EXPECT_TRUE(b.TryTake(kT0 + Duration::Seconds(5)));
  EXPECT_FALSE(b.TryTake(kT0));
}

TEST(TokenBucketTest, ReconfigureShrinksAndGrows) {
  TokenBucket b(10, 10, kT0);
  b.Reconfigure(5, 5, kT0);
  EXPECT_EQ(b.Available(kT0), 5);
  b.Reconfigure(20, 20, kT0);
  EXPECT_EQ(b.Available(kT0), 5);
  EXPECT_EQ(b.Available(kT0 + Duration::Seconds(1)), 20);
  EXPECT_EQ(b.capacity(), 20);
  EXPECT_EQ(b.refill_per_second(), 20);
}

}  // namespace
}  // namespace hr::core
