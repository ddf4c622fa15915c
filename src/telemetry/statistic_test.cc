#include "telemetry/statistic.h"

#include <gtest/gtest.h>

#include <string>

namespace hr::telemetry {
namespace {

Statistic Percentile(double p) { return Statistic{StatisticKind::kPercentile, p}; }

TEST(StatisticTest, ParsesTheFiveStandardStatistics) {
  EXPECT_EQ(ParseStatistic("SampleCount"), Statistic{StatisticKind::kSampleCount});
  EXPECT_EQ(ParseStatistic("Average"), Statistic{StatisticKind::kAverage});
  EXPECT_EQ(ParseStatistic("Sum"), Statistic{StatisticKind::kSum});
  EXPECT_EQ(ParseStatistic("Minimum"), Statistic{StatisticKind::kMinimum});
  EXPECT_EQ(ParseStatistic("Maximum"), Statistic{StatisticKind::kMaximum});
}

TEST(StatisticTest, StandardNamesAreExact) {
  for (const char* text : {"", "maximum", "MAXIMUM", "Max", "Min", "Avg", "average", "sum",
                           "Samplecount", "Sum ", " Sum", "Maximum\n", "tm99", "IQM", "TM(10%:90%)",
                           "wm90", "PR(1:2)"}) {
    EXPECT_EQ(ParseStatistic(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(StatisticTest, ParsesPercentilesWithUpToTwoDecimals) {
  EXPECT_EQ(ParseStatistic("p0"), Percentile(0));
  EXPECT_EQ(ParseStatistic("p0.0"), Percentile(0));
  EXPECT_EQ(ParseStatistic("p0.5"), Percentile(0.5));
  EXPECT_EQ(ParseStatistic("p0.05"), Percentile(0.05));
  EXPECT_EQ(ParseStatistic("p9"), Percentile(9));
  EXPECT_EQ(ParseStatistic("p50"), Percentile(50));
  EXPECT_EQ(ParseStatistic("p99"), Percentile(99));
  EXPECT_EQ(ParseStatistic("p99.9"), Percentile(99.9));
  EXPECT_EQ(ParseStatistic("p99.90"), Percentile(99.9));
  EXPECT_EQ(ParseStatistic("p99.99"), Percentile(99.99));
  EXPECT_EQ(ParseStatistic("p100"), Percentile(100));
  EXPECT_EQ(ParseStatistic("p100.0"), Percentile(100));
  EXPECT_EQ(ParseStatistic("p100.00"), Percentile(100));
}

TEST(StatisticTest, RejectsMalformedPercentiles) {
  for (const char* text :
       {"p", "P99", "p101", "p100.01", "p100.1", "p200", "p1000", "p99.999", "p99.", "p.5", "p-1",
        "p+5", "p 99", "p99 ", "p1e2", "p05", "p00", "p099", "p99,9", "p9a", "p99.9a", "p99..9",
        "pp99", "99", "p0x10"}) {
    EXPECT_EQ(ParseStatistic(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(StatisticTest, NamesAsCloudWatchSpellsThem) {
  EXPECT_EQ(StatisticName({StatisticKind::kSampleCount}), "SampleCount");
  EXPECT_EQ(StatisticName({StatisticKind::kAverage}), "Average");
  EXPECT_EQ(StatisticName({StatisticKind::kSum}), "Sum");
  EXPECT_EQ(StatisticName({StatisticKind::kMinimum}), "Minimum");
  EXPECT_EQ(StatisticName({StatisticKind::kMaximum}), "Maximum");
  EXPECT_EQ(StatisticName(Percentile(99)), "p99");
  EXPECT_EQ(StatisticName(Percentile(99.9)), "p99.9");
  EXPECT_EQ(StatisticName(Percentile(99.99)), "p99.99");
  EXPECT_EQ(StatisticName(Percentile(0)), "p0");
  EXPECT_EQ(StatisticName(Percentile(0.05)), "p0.05");
  EXPECT_EQ(StatisticName(Percentile(100)), "p100");
  EXPECT_EQ(StatisticName(Percentile(12.5)), "p12.5");
}

TEST(StatisticTest, NameIsCanonicalForEquivalentSpellings) {
  EXPECT_EQ(StatisticName(*ParseStatistic("p99.90")), "p99.9");
  EXPECT_EQ(StatisticName(*ParseStatistic("p100.00")), "p100");
  EXPECT_EQ(StatisticName(*ParseStatistic("p0.0")), "p0");
  EXPECT_EQ(StatisticName(*ParseStatistic("p50.10")), "p50.1");
}

TEST(StatisticTest, EveryPercentileRoundTrips) {
  for (int hundredths = 0; hundredths <= 10'000; ++hundredths) {
    const Statistic s = Percentile(hundredths / 100.0);
    const std::string name = StatisticName(s);
    EXPECT_EQ(ParseStatistic(name), s) << name;
  }
}

TEST(StatisticTest, NameClampsOutOfRangePercentiles) {
  EXPECT_EQ(StatisticName(Percentile(150)), "p100");
  EXPECT_EQ(StatisticName(Percentile(-3)), "p0");
  EXPECT_EQ(StatisticName(Percentile(99.999)), "p100");  // two decimals, rounded
}

}  // namespace
}  // namespace hr::telemetry
