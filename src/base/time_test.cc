#include "base/time.h"

#include <gtest/gtest.h>

#include "base/clock.h"

namespace hr {
namespace {

TEST(TimeTest, ArithmeticIsExact) {
  Timestamp t = Timestamp::Epoch() + Duration::Seconds(10);
  EXPECT_EQ(t.unix_nanos(), 10'000'000'000);
  EXPECT_EQ((t - Timestamp::Epoch()).millis(), 10'000);
  EXPECT_LT(Timestamp::Epoch(), t);
  EXPECT_EQ(Duration::Minutes(2), Duration::Seconds(120));
  EXPECT_EQ(Duration::Millis(1500).seconds(), 1.5);
}

TEST(ManualClockTest, MovesOnlyWhenTold) {
  ManualClock clock;
  EXPECT_EQ(clock.Now(), Timestamp::Epoch());
  clock.Advance(Duration::Seconds(3));
  EXPECT_EQ(clock.Now(), Timestamp::FromUnixSeconds(3));
  clock.Set(Timestamp::FromUnixSeconds(100));
  EXPECT_EQ(clock.Now().unix_seconds(), 100);
}

}  // namespace
}  // namespace hr
