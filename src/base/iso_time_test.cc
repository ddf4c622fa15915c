#include "base/iso_time.h"

#include <gtest/gtest.h>

#include <limits>

namespace hr {
namespace {

TEST(IsoTimeTest, FormatsLikeLambda) {
  EXPECT_EQ(FormatLambdaTimestamp(Timestamp::Epoch()), "1970-01-01T00:00:00.000+0000");
  // 2023-01-21T11:30:00Z = 1674300600
  EXPECT_EQ(FormatLambdaTimestamp(Timestamp::FromUnixMillis(1674300600123)),
            "2023-01-21T11:30:00.123+0000");
  EXPECT_EQ(FormatLambdaTimestamp(Timestamp::FromUnixSeconds(951782400)),  // leap day 2000
            "2000-02-29T00:00:00.000+0000");
  EXPECT_EQ(FormatIsoMillis(Timestamp::FromUnixMillis(1674300600123)), "2023-01-21T11:30:00.123Z");
}

TEST(IsoTimeTest, ParsesWhatClientsSend) {
  const Timestamp t = Timestamp::FromUnixSeconds(1674300600);
  EXPECT_EQ(ParseIsoTimestamp("2023-01-21T11:30:00Z"), t);
  EXPECT_EQ(ParseIsoTimestamp("2023-01-21T11:30:00"), t);
  EXPECT_EQ(ParseIsoTimestamp("2023-01-21T11:30:00.123Z"), t + Duration::Millis(123));
  EXPECT_EQ(ParseIsoTimestamp("2023-01-21T12:30:00+01:00"), t);
  EXPECT_EQ(ParseIsoTimestamp("2023-01-21T10:30:00-0100"), t);
  EXPECT_EQ(ParseIsoTimestamp("2000-02-29"), Timestamp::FromUnixSeconds(951782400));
  for (const char* bad : {"", "2023", "2023-13-01T00:00:00Z", "2023-01-21T11:30:00Q", "2023-01-21T25:00Z",
                          "2023-01-21T11:30:00.Z", "yesterday"}) {
    EXPECT_FALSE(ParseIsoTimestamp(bad).has_value()) << bad;
  }
}

// Found while writing the fuzz targets ("9999-12-31" overflowed the int64 nanoseconds, undefined
// behaviour); fuzz_query_form reproduces it with fuzz/corpus/query_form/regress-iso-year-9999.
TEST(IsoTimeTest, RefusesYearsATimestampCannotHold) {
  for (const char* far : {"9999-12-31T23:59:59Z", "2262-06-01", "1677-01-01T00:00:00Z", "0000-01-01"}) {
    EXPECT_FALSE(ParseIsoTimestamp(far).has_value()) << far;
  }
  EXPECT_EQ(ParseIsoTimestamp("2261-01-01T00:00:00Z"), Timestamp::FromUnixSeconds(9183110400));
  EXPECT_EQ(ParseIsoTimestamp("1679-01-01T00:00:00Z"), Timestamp::FromUnixSeconds(-9183024000));
}

TEST(IsoTimeTest, TimestampFromUnixSeconds) {
  EXPECT_EQ(TimestampFromUnixSeconds(1674300600.5), Timestamp::FromUnixMillis(1674300600500));
  EXPECT_EQ(TimestampFromUnixSeconds(-1), Timestamp::FromUnixSeconds(-1));
  for (double bad : {1e300, -1e300, 9.3e9, -9.3e9, std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::quiet_NaN()}) {
    EXPECT_FALSE(TimestampFromUnixSeconds(bad).has_value()) << bad;
  }
}

TEST(IsoTimeTest, CivilFields) {
  const CivilTime c = ToCivil(Timestamp::FromUnixMillis(1674300600123));
  EXPECT_EQ(c.year, 2023);
  EXPECT_EQ(c.month, 1u);
  EXPECT_EQ(c.day, 21u);
  EXPECT_EQ(c.hour, 11u);
  EXPECT_EQ(c.minute, 30u);
  EXPECT_EQ(c.second, 0u);
  EXPECT_EQ(c.millisecond, 123u);
}

}  // namespace
}  // namespace hr
