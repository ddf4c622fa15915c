#include "server/iso_time.h"

#include <gtest/gtest.h>

namespace hr::server {
namespace {

TEST(IsoTimeTest, FormatsLikeLambda) {
  EXPECT_EQ(FormatLambdaTimestamp(Timestamp::Epoch()), "1970-01-01T00:00:00.000+0000");
  // 2023-01-21T11:30:00Z = 1674300600
  EXPECT_EQ(FormatLambdaTimestamp(Timestamp::FromUnixMillis(1674300600123)),
            "2023-01-21T11:30:00.123+0000");
  EXPECT_EQ(FormatLambdaTimestamp(Timestamp::FromUnixSeconds(951782400)),  // leap day 2000
            "2000-02-29T00:00:00.000+0000");
}

}  // namespace
}  // namespace hr::server
