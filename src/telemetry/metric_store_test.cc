#include "telemetry/metric_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace hr::telemetry {
namespace {

constexpr OwnerId kOwner = 1;
constexpr OwnerId kOtherOwner = 2;

const Statistic kSampleCount{StatisticKind::kSampleCount};
const Statistic kAverage{StatisticKind::kAverage};
const Statistic kSum{StatisticKind::kSum};
const Statistic kMinimum{StatisticKind::kMinimum};
const Statistic kMaximum{StatisticKind::kMaximum};
Statistic P(double p) { return Statistic{StatisticKind::kPercentile, p}; }

// A day-aligned origin far from the epoch, so alignment is not trivially satisfied by zero.
const Timestamp kT0 = Timestamp::FromUnixSeconds(1'700'006'400);  // a multiple of 86,400

Timestamp At(std::int64_t seconds) { return kT0 + Duration::Seconds(seconds); }

MetricId Concurrent(std::string function = "f") {
  return MakeMetricId("AWS/Lambda", "ConcurrentExecutions",
                      {{"FunctionName", std::move(function)}});
}

std::vector<std::int64_t> Starts(const std::vector<Datapoint>& points) {
  std::vector<std::int64_t> out;
  for (const Datapoint& d : points) out.push_back((d.at - kT0).nanos() / 1'000'000'000);
  return out;
}

std::vector<double> Values(const std::vector<Datapoint>& points) {
  std::vector<double> out;
  for (const Datapoint& d : points) out.push_back(d.value);
  return out;
}

// A single datapoint's value; fails the test when there is not exactly one.
double Only(const std::vector<Datapoint>& points) {
  EXPECT_EQ(points.size(), 1u);
  return points.empty() ? std::numeric_limits<double>::quiet_NaN() : points[0].value;
}

void ExpectWithinRelative(double actual, double expected, double relative) {
  EXPECT_LE(std::fabs(actual - expected), relative * std::fabs(expected))
      << "actual " << actual << ", expected " << expected;
}

// --- MetricId ----------------------------------------------------------------------------

TEST(MetricStoreIdTest, MakeMetricIdSortsDimensionsByName) {
  MetricId id = MakeMetricId("AWS/Lambda", "Invocations",
                             {{"Resource", "f:prod"}, {"FunctionName", "f"}});
  ASSERT_EQ(id.dimensions.size(), 2u);
  EXPECT_EQ(id.dimensions[0].name, "FunctionName");
  EXPECT_EQ(id.dimensions[1].name, "Resource");
  EXPECT_EQ(id, MakeMetricId("AWS/Lambda", "Invocations",
                             {{"FunctionName", "f"}, {"Resource", "f:prod"}}));
}

TEST(MetricStoreIdTest, KeyIsUnambiguous) {
  EXPECT_NE(MetricKey(MakeMetricId("a", "bc")), MetricKey(MakeMetricId("ab", "c")));
  EXPECT_NE(MetricKey(MakeMetricId("n", "m", {{"a", "bc"}})),
            MetricKey(MakeMetricId("n", "m", {{"ab", "c"}})));
  EXPECT_NE(MetricKey(MakeMetricId("n", "m", {{"a", "b"}, {"c", "d"}})),
            MetricKey(MakeMetricId("n", "m", {{"a", "bcd"}})));
  EXPECT_NE(MetricKey(MakeMetricId("n", "m")), MetricKey(MakeMetricId("n", "m", {{"a", ""}})));
  EXPECT_EQ(MetricKey(MakeMetricId("n", "m", {{"a", "1"}})),
            MetricKey(MakeMetricId("n", "m", {{"a", "1"}})));
}

TEST(MetricStoreIdTest, KeyIgnoresDimensionOrder) {
  MetricId unsorted{"AWS/Lambda", "Invocations", {{"Resource", "f:prod"}, {"FunctionName", "f"}}};
  EXPECT_EQ(MetricKey(unsorted), MetricKey(MakeMetricId(unsorted.ns, unsorted.name,
                                                        unsorted.dimensions)));
}

// --- Statistics and rollups ----------------------------------------------------------------

TEST(MetricStoreTest, EachStatisticOfOnePeriod) {
  MetricStore store;
  const MetricId id = Concurrent();
  for (double v : {4.0, 1.0, 10.0, 2.0, 3.0}) store.Record(kOwner, id, At(5), v);
  const Timestamp end = At(60);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), end, Duration::Seconds(60), kSampleCount)), 5);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), end, Duration::Seconds(60), kSum)), 20);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), end, Duration::Seconds(60), kAverage)), 4);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), end, Duration::Seconds(60), kMinimum)), 1);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), end, Duration::Seconds(60), kMaximum)), 10);
  std::vector<Datapoint> points =
      store.Query(kOwner, id, At(0), end, Duration::Seconds(60), kMaximum);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].at, At(0));
  EXPECT_EQ(points[0].sample_count, 5);
}

TEST(MetricStoreTest, CountRecordsThatManyCopies) {
  MetricStore store;
  const MetricId id = Concurrent();
  store.Record(kOwner, id, At(0), 5, 3);
  store.Record(kOwner, id, At(0), 1);
  const Duration minute = Duration::Seconds(60);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, kSampleCount)), 4);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, kSum)), 16);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, kAverage)), 4);
  ExpectWithinRelative(Only(store.Query(kOwner, id, At(0), At(60), minute, P(50))), 5, 0.01);
}

TEST(MetricStoreTest, ZeroAndNegativeValues) {
  MetricStore store;
  const MetricId id = MakeMetricId("Custom", "Delta");
  for (double v : {-7.5, 0.0, 2.5, -1.0}) store.Record(kOwner, id, At(1), v);
  const Duration minute = Duration::Seconds(60);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, kMinimum)), -7.5);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, kMaximum)), 2.5);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, kSum)), -6);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, kAverage)), -1.5);

  const MetricId zeros = MakeMetricId("Custom", "Zeros");
  store.Record(kOwner, zeros, At(1), 0, 4);
  EXPECT_EQ(Only(store.Query(kOwner, zeros, At(0), At(60), minute, kMaximum)), 0);
  EXPECT_EQ(Only(store.Query(kOwner, zeros, At(0), At(60), minute, kSum)), 0);
  EXPECT_EQ(Only(store.Query(kOwner, zeros, At(0), At(60), minute, P(99))), 0);
}

TEST(MetricStoreTest, SecondBucketsRollUpIntoMinutesAndLongerPeriods) {
  MetricStore store;
  const MetricId id = Concurrent();
  for (int s = 0; s < 180; ++s) store.Record(kOwner, id, At(s), s);

  std::vector<Datapoint> seconds =
      store.Query(kOwner, id, At(0), At(180), Duration::Seconds(1), kSum);
  ASSERT_EQ(seconds.size(), 180u);
  for (int s = 0; s < 180; ++s) {
    EXPECT_EQ(seconds[s].at, At(s));
    EXPECT_EQ(seconds[s].value, s);
  }

  std::vector<Datapoint> tens = store.Query(kOwner, id, At(0), At(60), Duration::Seconds(10), kSum);
  EXPECT_EQ(Starts(tens), (std::vector<std::int64_t>{0, 10, 20, 30, 40, 50}));
  EXPECT_EQ(Values(tens), (std::vector<double>{45, 145, 245, 345, 445, 545}));

  std::vector<Datapoint> minutes =
      store.Query(kOwner, id, At(0), At(180), Duration::Seconds(60), kSum);
  EXPECT_EQ(Starts(minutes), (std::vector<std::int64_t>{0, 60, 120}));
  EXPECT_EQ(Values(minutes), (std::vector<double>{1770, 5370, 8970}));
  EXPECT_EQ(Values(store.Query(kOwner, id, At(0), At(180), Duration::Seconds(60), kMinimum)),
            (std::vector<double>{0, 60, 120}));
  EXPECT_EQ(Values(store.Query(kOwner, id, At(0), At(180), Duration::Seconds(60), kMaximum)),
            (std::vector<double>{59, 119, 179}));
  EXPECT_EQ(Values(store.Query(kOwner, id, At(0), At(180), Duration::Seconds(60), kSampleCount)),
            (std::vector<double>{60, 60, 60}));

  std::vector<Datapoint> three =
      store.Query(kOwner, id, At(0), At(180), Duration::Minutes(3), kSum);
  EXPECT_EQ(Starts(three), (std::vector<std::int64_t>{0}));
  EXPECT_EQ(Values(three), (std::vector<double>{16110}));
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(180), Duration::Minutes(3), kAverage)), 89.5);
}

TEST(MetricStoreTest, SubSecondTimestampsShareTheirSecond) {
  MetricStore store;
  const MetricId id = Concurrent();
  store.Record(kOwner, id, kT0 + Duration::Millis(100), 1);
  store.Record(kOwner, id, kT0 + Duration::Millis(999), 2);
  store.Record(kOwner, id, kT0 + Duration::Millis(1000), 4);
  std::vector<Datapoint> points = store.Query(kOwner, id, At(0), At(5), Duration::Seconds(1), kSum);
  EXPECT_EQ(Starts(points), (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(Values(points), (std::vector<double>{3, 4}));
}

TEST(MetricStoreTest, SamplesBeforeTheEpochFloorToTheirSecond) {
  MetricStore store;
  const MetricId id = Concurrent();
  store.Record(kOwner, id, Timestamp::FromUnixMillis(-500), 1);
  store.Record(kOwner, id, Timestamp::FromUnixMillis(-61'000), 2);
  std::vector<Datapoint> s = store.Query(kOwner, id, Timestamp::FromUnixSeconds(-120),
                                         Timestamp::Epoch(), Duration::Seconds(1), kSum);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].at, Timestamp::FromUnixSeconds(-61));
  EXPECT_EQ(s[1].at, Timestamp::FromUnixSeconds(-1));
  std::vector<Datapoint> m = store.Query(kOwner, id, Timestamp::FromUnixSeconds(-120),
                                         Timestamp::Epoch(), Duration::Seconds(60), kSum);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].at, Timestamp::FromUnixSeconds(-120));
  EXPECT_EQ(m[1].at, Timestamp::FromUnixSeconds(-60));
}

TEST(MetricStoreTest, OutOfOrderSamplesLandInTheirBuckets) {
  MetricStore store;
  const MetricId id = Concurrent();
  store.Record(kOwner, id, At(125), 3);
  store.Record(kOwner, id, At(5), 1);
  store.Record(kOwner, id, At(65), 2);
  store.Record(kOwner, id, At(5), 10);
  std::vector<Datapoint> m = store.Query(kOwner, id, At(0), At(180), Duration::Seconds(60), kSum);
  EXPECT_EQ(Starts(m), (std::vector<std::int64_t>{0, 60, 120}));
  EXPECT_EQ(Values(m), (std::vector<double>{11, 2, 3}));
  std::vector<Datapoint> s =
      store.Query(kOwner, id, At(0), At(180), Duration::Seconds(1), kMaximum);
  EXPECT_EQ(Starts(s), (std::vector<std::int64_t>{5, 65, 125}));
  EXPECT_EQ(Values(s), (std::vector<double>{10, 2, 3}));
}

// --- Period alignment, start rounding, end exclusive -------------------------------------

TEST(MetricStoreTest, PeriodsAlignToMultiplesOfThePeriodSinceTheEpoch) {
  MetricStore store;
  const MetricId id = Concurrent();
  // kT0 is a multiple of 300 s; 290 and 310 fall in different 5-minute periods.
  store.Record(kOwner, id, At(290), 1);
  store.Record(kOwner, id, At(310), 2);
  std::vector<Datapoint> five =
      store.Query(kOwner, id, At(0), At(600), Duration::Minutes(5), kSum);
  EXPECT_EQ(Starts(five), (std::vector<std::int64_t>{0, 300}));
  EXPECT_EQ(Values(five), (std::vector<double>{1, 2}));
  // A 30 s period: 290 is in [270, 300), 310 in [300, 330).
  std::vector<Datapoint> thirty =
      store.Query(kOwner, id, At(0), At(600), Duration::Seconds(30), kSum);
  EXPECT_EQ(Starts(thirty), (std::vector<std::int64_t>{270, 300}));
  // A 7 s period aligns to multiples of 7 s since the epoch, not to the query's start.
  std::vector<Datapoint> seven =
      store.Query(kOwner, id, At(285), At(315), Duration::Seconds(7), kSum);
  ASSERT_EQ(seven.size(), 2u);
  EXPECT_EQ(seven[0].at.unix_seconds() % 7, 0);
  EXPECT_LE(seven[0].at, At(290));
  EXPECT_GT(seven[0].at + Duration::Seconds(7), At(290));
  EXPECT_EQ(seven[1].at.unix_seconds() % 7, 0);
}

TEST(MetricStoreTest, StartIsRoundedDownToThePeriod) {
  MetricStore store;
  const MetricId id = Concurrent();
  store.Record(kOwner, id, At(59), 100);
  store.Record(kOwner, id, At(61), 1);
  store.Record(kOwner, id, At(62), 2);
  // Start at 65 rounds down to 60: the samples at 61 and 62 count, 59 does not.
  std::vector<Datapoint> m = store.Query(kOwner, id, At(65), At(120), Duration::Seconds(60), kSum);
  EXPECT_EQ(Starts(m), (std::vector<std::int64_t>{60}));
  EXPECT_EQ(Values(m), (std::vector<double>{3}));
  // With 1 s periods the same start excludes them.
  EXPECT_TRUE(store.Query(kOwner, id, At(65), At(120), Duration::Seconds(1), kSum).empty());
}

TEST(MetricStoreTest, EndIsExclusive) {
  MetricStore store;
  const MetricId id = Concurrent();
  store.Record(kOwner, id, At(0), 1);
  store.Record(kOwner, id, At(60), 2);
  store.Record(kOwner, id, At(110), 4);
  const Duration minute = Duration::Seconds(60);
  EXPECT_EQ(Values(store.Query(kOwner, id, At(0), At(60), minute, kSum)),
            (std::vector<double>{1}));
  // A period starting before `end` counts whole, even its samples after `end`.
  EXPECT_EQ(Values(store.Query(kOwner, id, At(0), At(61), minute, kSum)),
            (std::vector<double>{1, 6}));
  EXPECT_TRUE(store.Query(kOwner, id, At(0), At(0), minute, kSum).empty());
  EXPECT_TRUE(store.Query(kOwner, id, At(30), At(0), minute, kSum).empty());
  EXPECT_EQ(Values(store.Query(kOwner, id, At(0), At(60), Duration::Seconds(1), kSum)),
            (std::vector<double>{1}));
  EXPECT_EQ(Values(store.Query(kOwner, id, At(0), At(111), Duration::Seconds(1), kSum)),
            (std::vector<double>{1, 2, 4}));
  EXPECT_EQ(Values(store.Query(kOwner, id, At(0), At(110), Duration::Seconds(1), kSum)),
            (std::vector<double>{1, 2}));
}

TEST(MetricStoreTest, PeriodsWithoutSamplesAreOmitted) {
  MetricStore store;
  const MetricId id = Concurrent();
  store.Record(kOwner, id, At(0), 1);
  store.Record(kOwner, id, At(300), 1);
  std::vector<Datapoint> m = store.Query(kOwner, id, At(0), At(600), Duration::Seconds(60), kSum);
  EXPECT_EQ(Starts(m), (std::vector<std::int64_t>{0, 300}));
}

TEST(MetricStoreTest, ExtremeTimestampsMeanEverything) {
  MetricStore store;
  const MetricId id = Concurrent();
  store.Record(kOwner, id, At(0), 1);
  store.Record(kOwner, id, At(3600), 2);
  const Timestamp lo = Timestamp::FromUnixNanos(std::numeric_limits<std::int64_t>::min());
  const Timestamp hi = Timestamp::FromUnixNanos(std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(Values(store.Query(kOwner, id, lo, hi, Duration::Seconds(60), kSum)),
            (std::vector<double>{1, 2}));
  EXPECT_EQ(Values(store.Query(kOwner, id, lo, hi, Duration::Seconds(7), kSum)),
            (std::vector<double>{1, 2}));
}

TEST(MetricStoreTest, QueryStatisticsAnswersInRequestOrder) {
  MetricStore store;
  const MetricId id = Concurrent();
  for (int v = 1; v <= 100; ++v) store.Record(kOwner, id, At(v % 60), v);
  for (int v = 1; v <= 10; ++v) store.Record(kOwner, id, At(60 + v), v);
  const std::vector<Statistic> stats = {kMaximum, kSampleCount, P(50), kSum, kMinimum, kAverage};
  std::vector<MultiDatapoint> m =
      store.QueryStatistics(kOwner, id, At(0), At(120), Duration::Seconds(60), stats);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].at, At(0));
  EXPECT_EQ(m[0].sample_count, 100);
  ASSERT_EQ(m[0].values.size(), 6u);
  EXPECT_EQ(m[0].values[0], 100);
  EXPECT_EQ(m[0].values[1], 100);
  ExpectWithinRelative(m[0].values[2], 50, 0.01);
  EXPECT_EQ(m[0].values[3], 5050);
  EXPECT_EQ(m[0].values[4], 1);
  EXPECT_EQ(m[0].values[5], 50.5);
  EXPECT_EQ(m[1].at, At(60));
  EXPECT_EQ(m[1].values[0], 10);
  EXPECT_EQ(m[1].values[3], 55);
}

// --- Percentiles --------------------------------------------------------------------------

TEST(MetricStoreTest, PercentilesOfAUniformDistribution) {
  MetricStore store;
  const MetricId id = MakeMetricId("AWS/Lambda", "Duration", {{"FunctionName", "f"}});
  // 1..1000, spread over the seconds of one minute, in a scrambled order.
  for (int i = 0; i < 1000; ++i) {
    const int v = (i * 379) % 1000 + 1;
    store.Record(kOwner, id, At(i % 60), v, 1, "Milliseconds");
  }
  auto p = [&](double q) {
    return Only(store.Query(kOwner, id, At(0), At(60), Duration::Seconds(60), P(q)));
  };
  EXPECT_EQ(p(0), 1);
  EXPECT_EQ(p(100), 1000);
  ExpectWithinRelative(p(50), 500, 0.01);
  ExpectWithinRelative(p(90), 900, 0.01);
  ExpectWithinRelative(p(99), 990, 0.01);
  ExpectWithinRelative(p(99.9), 999, 0.01);
  ExpectWithinRelative(p(1), 10, 0.01);
  ExpectWithinRelative(p(0.5), 5, 0.01);
  // Percentiles never leave [min, max].
  EXPECT_LE(p(99.99), 1000);
  EXPECT_GE(p(0.01), 1);
  // Monotone in p.
  double previous = 0;
  for (double q = 0; q <= 100; q += 0.5) {
    const double v = p(q);
    EXPECT_GE(v, previous) << q;
    previous = v;
  }
}

TEST(MetricStoreTest, PercentilesOfALogUniformDistributionAcrossManyDecades) {
  MetricStore store;
  const MetricId id = MakeMetricId("Custom", "Latency");
  // 10,001 values from 1e-6 to 1e6, log-uniform: the q-quantile is 10^(12q - 6).
  const int n = 10'000;
  for (int i = 0; i <= n; ++i) {
    store.Record(kOwner, id, At(i % 10), std::pow(10.0, -6.0 + 12.0 * i / n));
  }
  for (double q : {1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0}) {
    const double expected = std::pow(10.0, -6.0 + 12.0 * q / 100.0);
    ExpectWithinRelative(Only(store.Query(kOwner, id, At(0), At(60), Duration::Seconds(60), P(q))),
                         expected, 0.0105);
  }
}

TEST(MetricStoreTest, PercentilesMergeSecondAndMinuteBuckets) {
  MetricStore store;
  const MetricId id = MakeMetricId("Custom", "Latency");
  // Minute k holds 100 samples of value 100 * (k + 1): five minutes, 500 samples.
  for (int k = 0; k < 5; ++k) {
    for (int i = 0; i < 100; ++i) store.Record(kOwner, id, At(60 * k + i % 60), 100.0 * (k + 1));
  }
  // One 5-minute period reads five minute buckets.
  ExpectWithinRelative(Only(store.Query(kOwner, id, At(0), At(300), Duration::Minutes(5), P(50))),
                       300, 0.01);
  ExpectWithinRelative(Only(store.Query(kOwner, id, At(0), At(300), Duration::Minutes(5), P(10))),
                       100, 0.01);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(300), Duration::Minutes(5), P(100))), 500);
  // A 30 s period reads thirty second buckets each.
  std::vector<Datapoint> halves =
      store.Query(kOwner, id, At(0), At(120), Duration::Seconds(30), P(50));
  ASSERT_EQ(halves.size(), 4u);
  EXPECT_EQ(halves[0].value, 100);  // clamped to the period's min == max
  EXPECT_EQ(halves[3].value, 200);
}

TEST(MetricStoreTest, PercentileErrorIsWithinOnePercent) {
  // Over eighteen decades, a percentile that lands inside the histogram and one that lands in
  // its lowest bucket are both within 1% of the true sample.
  for (int i = 0; i <= 1800; ++i) {
    const double v = std::pow(10.0, -6.0 + i / 100.0) * 1.0003;
    MetricStore store;
    const MetricId inner = MakeMetricId("Custom", "Inner");
    for (double x : {v / 2, v, v * 2}) store.Record(kOwner, inner, At(0), x);
    ExpectWithinRelative(
        Only(store.Query(kOwner, inner, At(0), At(60), Duration::Seconds(60), P(50))), v, 0.01);
    const MetricId low = MakeMetricId("Custom", "Low");
    store.Record(kOwner, low, At(0), v);
    store.Record(kOwner, low, At(0), v * 1.015);  // same or next bucket
    store.Record(kOwner, low, At(0), v * 10);
    ExpectWithinRelative(
        Only(store.Query(kOwner, low, At(0), At(60), Duration::Seconds(1), P(60))), v * 1.015,
        0.01);
  }
}

TEST(MetricStoreTest, PercentilesWithZeros) {
  MetricStore store;
  const MetricId id = MakeMetricId("AWS/Lambda", "Errors", {{"FunctionName", "f"}});
  store.Record(kOwner, id, At(0), 0, 75);
  store.Record(kOwner, id, At(0), 1, 25);
  const Duration minute = Duration::Seconds(60);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, P(50))), 0);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, P(75))), 0);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, P(76))), 1);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, P(99))), 1);
}

TEST(MetricStoreTest, NearestRankPercentile) {
  MetricStore store;
  const MetricId id = MakeMetricId("Custom", "Small");
  for (double v : {10.0, 20.0, 30.0, 40.0}) store.Record(kOwner, id, At(0), v);
  const Duration minute = Duration::Seconds(60);
  // The smallest value with at least p% of the samples at or below it.
  ExpectWithinRelative(Only(store.Query(kOwner, id, At(0), At(60), minute, P(25))), 10, 0.01);
  ExpectWithinRelative(Only(store.Query(kOwner, id, At(0), At(60), minute, P(26))), 20, 0.01);
  ExpectWithinRelative(Only(store.Query(kOwner, id, At(0), At(60), minute, P(50))), 20, 0.01);
  ExpectWithinRelative(Only(store.Query(kOwner, id, At(0), At(60), minute, P(75))), 30, 0.01);
  ExpectWithinRelative(Only(store.Query(kOwner, id, At(0), At(60), minute, P(75.01))), 40, 0.01);

  // 7 / 100 * 100 is 7.000000000000001 in doubles; p7 of 1..100 is still the 7th value.
  const MetricId hundred = MakeMetricId("Custom", "Hundred");
  for (int v = 1; v <= 100; ++v) store.Record(kOwner, hundred, At(0), v);
  for (int q : {7, 14, 28, 29, 57, 58}) {
    ExpectWithinRelative(Only(store.Query(kOwner, hundred, At(0), At(60), minute, P(q))), q, 0.01);
  }
}

TEST(MetricStoreTest, PercentilesOfStatisticSets) {
  MetricStore store;
  const MetricId mixed = MakeMetricId("Custom", "Mixed");
  const Duration minute = Duration::Seconds(60);
  // A set that is not one value: Sum and the others are exact, percentiles are unavailable.
  store.RecordSet(kOwner, mixed, At(0), SampleSet{10, 55, 1, 10});
  EXPECT_EQ(Only(store.Query(kOwner, mixed, At(0), At(60), minute, kSum)), 55);
  EXPECT_EQ(Only(store.Query(kOwner, mixed, At(0), At(60), minute, kSampleCount)), 10);
  EXPECT_EQ(Only(store.Query(kOwner, mixed, At(0), At(60), minute, kMinimum)), 1);
  EXPECT_EQ(Only(store.Query(kOwner, mixed, At(0), At(60), minute, kMaximum)), 10);
  EXPECT_EQ(Only(store.Query(kOwner, mixed, At(0), At(60), minute, kAverage)), 5.5);
  EXPECT_TRUE(store.Query(kOwner, mixed, At(0), At(60), minute, P(50)).empty());
  // It spoils its period for percentiles even when single samples join it...
  store.Record(kOwner, mixed, At(1), 3);
  EXPECT_TRUE(store.Query(kOwner, mixed, At(0), At(60), minute, P(50)).empty());
  // ... but not the other periods.
  store.Record(kOwner, mixed, At(61), 3);
  std::vector<Datapoint> p50 = store.Query(kOwner, mixed, At(0), At(120), minute, P(50));
  EXPECT_EQ(Starts(p50), (std::vector<std::int64_t>{60}));
  EXPECT_EQ(Values(p50), (std::vector<double>{3}));
  // With several statistics, the unavailable one is NaN.
  const std::vector<Statistic> stats = {kSum, P(50)};
  std::vector<MultiDatapoint> m =
      store.QueryStatistics(kOwner, mixed, At(0), At(120), minute, stats);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].values[0], 58);
  EXPECT_TRUE(std::isnan(m[0].values[1]));
  EXPECT_EQ(m[1].values[1], 3);

  // A set of `count` copies of one value (Min == Max, Sum == Min x SampleCount) has them.
  const MetricId single = MakeMetricId("Custom", "Single");
  store.RecordSet(kOwner, single, At(0), SampleSet{3, 12, 4, 4});
  store.RecordSet(kOwner, single, At(0), SampleSet{1, 9, 9, 9});
  ExpectWithinRelative(Only(store.Query(kOwner, single, At(0), At(60), minute, P(50))), 4,
                       0.01);
  EXPECT_EQ(Only(store.Query(kOwner, single, At(0), At(60), minute, P(100))), 9);
  EXPECT_EQ(Only(store.Query(kOwner, single, At(0), At(60), minute, kSampleCount)), 4);
}

TEST(MetricStoreTest, NegativeValuesHaveNoPercentiles) {
  MetricStore store;
  const MetricId id = MakeMetricId("Custom", "Delta");
  store.Record(kOwner, id, At(0), 5);
  store.Record(kOwner, id, At(1), -1);
  store.Record(kOwner, id, At(70), 5);
  std::vector<Datapoint> p = store.Query(kOwner, id, At(0), At(120), Duration::Seconds(60), P(50));
  EXPECT_EQ(Starts(p), (std::vector<std::int64_t>{60}));
  std::vector<Datapoint> s = store.Query(kOwner, id, At(0), At(120), Duration::Seconds(1), P(50));
  EXPECT_EQ(Starts(s), (std::vector<std::int64_t>{0, 70}));
}

TEST(MetricStoreTest, RecordSetKeepsItsExtremes) {
  MetricStore store;
  const MetricId id = MakeMetricId("Custom", "Set");
  store.Record(kOwner, id, At(0), 3);
  store.RecordSet(kOwner, id, At(2), SampleSet{4, 10, -5, 20});
  const Duration minute = Duration::Seconds(60);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, kMinimum)), -5);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, kMaximum)), 20);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, kSum)), 13);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, kSampleCount)), 5);
}

TEST(MetricStoreTest, IgnoresNonFiniteValuesAndNonPositiveCounts) {
  MetricStore store;
  const MetricId id = Concurrent();
  store.Record(kOwner, id, At(0), std::numeric_limits<double>::quiet_NaN());
  store.Record(kOwner, id, At(0), std::numeric_limits<double>::infinity());
  store.Record(kOwner, id, At(0), 1, 0);
  store.Record(kOwner, id, At(0), 1, -2);
  store.RecordSet(kOwner, id, At(0), SampleSet{0, 0, 0, 0});
  store.RecordSet(kOwner, id, At(0), SampleSet{2, 3, 5, 1});  // min > max
  EXPECT_EQ(store.series_count(), 0u);
  store.Record(kOwner, id, At(0), 2);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), Duration::Seconds(60), kSampleCount)), 1);
}

// --- Units ----------------------------------------------------------------------------------

TEST(MetricStoreTest, FirstUnitIsTheSeriesUnitAndFiltersQueries) {
  MetricStore store;
  const MetricId id = MakeMetricId("AWS/Lambda", "Duration", {{"FunctionName", "f"}});
  EXPECT_EQ(store.UnitOf(kOwner, id), std::nullopt);
  store.Record(kOwner, id, At(0), 12, 1, "Milliseconds");
  store.Record(kOwner, id, At(1), 30, 1, "Seconds");
  EXPECT_EQ(store.UnitOf(kOwner, id), "Milliseconds");
  const Duration minute = Duration::Seconds(60);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, kSum, "Milliseconds")), 42);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, kSum)), 42);
  EXPECT_TRUE(store.Query(kOwner, id, At(0), At(60), minute, kSum, "Seconds").empty());
  EXPECT_TRUE(store.Query(kOwner, id, At(0), At(60), minute, kSum, "None").empty());
  const std::vector<Statistic> stats = {kSum};
  EXPECT_TRUE(
      store.QueryStatistics(kOwner, id, At(0), At(60), minute, stats, "Seconds").empty());

  const MetricId plain = MakeMetricId("Custom", "Plain");
  store.Record(kOwner, plain, At(0), 1);
  EXPECT_EQ(store.UnitOf(kOwner, plain), "None");
  EXPECT_EQ(Only(store.Query(kOwner, plain, At(0), At(60), minute, kSum, "None")), 1);
  store.RecordSet(kOwner, MakeMetricId("Custom", "Set"), At(0), SampleSet{2, 3, 1, 2}, "Count");
  EXPECT_EQ(store.UnitOf(kOwner, MakeMetricId("Custom", "Set")), "Count");
}

// --- List -----------------------------------------------------------------------------------

TEST(MetricStoreTest, ListFiltersByNamespaceNameAndDimensions) {
  MetricStore store;
  const MetricId fa = MakeMetricId("AWS/Lambda", "Invocations", {{"FunctionName", "a"}});
  const MetricId fb = MakeMetricId("AWS/Lambda", "Invocations", {{"FunctionName", "b"}});
  const MetricId alias = MakeMetricId("AWS/Lambda", "Invocations",
                                      {{"FunctionName", "a"}, {"Resource", "a:prod"}});
  const MetricId account = MakeMetricId("AWS/Lambda", "ConcurrentExecutions");
  const MetricId custom = MakeMetricId("Custom", "Invocations", {{"FunctionName", "a"}});
  for (const MetricId* id : {&custom, &alias, &account, &fb, &fa}) {
    store.Record(kOwner, *id, At(0), 1);
  }
  const Timestamp any = Timestamp::FromUnixNanos(std::numeric_limits<std::int64_t>::min());
  using Ids = std::vector<MetricId>;

  // Everything, sorted by id.
  Ids all = store.List(kOwner, "", "", {}, any);
  EXPECT_EQ(all, (Ids{account, fa, alias, fb, custom}));

  EXPECT_EQ(store.List(kOwner, "Custom", "", {}, any), (Ids{custom}));
  EXPECT_EQ(store.List(kOwner, "", "Invocations", {}, any), (Ids{fa, alias, fb, custom}));
  EXPECT_EQ(store.List(kOwner, "AWS/Lambda", "ConcurrentExecutions", {}, any), (Ids{account}));
  EXPECT_TRUE(store.List(kOwner, "AWS/Lamb", "", {}, any).empty());

  const std::vector<Dimension> function_a = {{"FunctionName", "a"}};
  EXPECT_EQ(store.List(kOwner, "AWS/Lambda", "", function_a, any), (Ids{fa, alias}));
  const std::vector<Dimension> any_function = {{"FunctionName", ""}};
  EXPECT_EQ(store.List(kOwner, "AWS/Lambda", "", any_function, any), (Ids{fa, alias, fb}));
  const std::vector<Dimension> any_resource = {{"Resource", ""}};
  EXPECT_EQ(store.List(kOwner, "", "", any_resource, any), (Ids{alias}));
  const std::vector<Dimension> both = {{"Resource", "a:prod"}, {"FunctionName", "a"}};
  EXPECT_EQ(store.List(kOwner, "", "", both, any), (Ids{alias}));
  const std::vector<Dimension> wrong = {{"FunctionName", "c"}};
  EXPECT_TRUE(store.List(kOwner, "", "", wrong, any).empty());
  const std::vector<Dimension> missing = {{"Version", ""}};
  EXPECT_TRUE(store.List(kOwner, "", "", missing, any).empty());
}

TEST(MetricStoreTest, ListActiveSinceUsesTheNewestSample) {
  MetricStore store;
  const MetricId old_one = MakeMetricId("Custom", "Old");
  const MetricId new_one = MakeMetricId("Custom", "New");
  store.Record(kOwner, old_one, At(0), 1);
  store.Record(kOwner, new_one, At(0), 1);
  store.Record(kOwner, new_one, At(3600), 1);
  store.Record(kOwner, new_one, At(10), 1);  // an older sample does not move it back
  using Ids = std::vector<MetricId>;
  EXPECT_EQ(store.List(kOwner, "", "", {}, At(0)), (Ids{new_one, old_one}));
  EXPECT_EQ(store.List(kOwner, "", "", {}, At(1)), (Ids{new_one}));
  EXPECT_EQ(store.List(kOwner, "", "", {}, At(3600)), (Ids{new_one}));
  EXPECT_TRUE(store.List(kOwner, "", "", {}, At(3601)).empty());
}

// --- Owners, Trim, max_series ---------------------------------------------------------------

TEST(MetricStoreTest, OwnersNeverSeeEachOthersSeries) {
  MetricStore store;
  const MetricId id = Concurrent();
  store.Record(kOwner, id, At(0), 1, 1, "Count");
  store.Record(kOtherOwner, id, At(0), 7, 1, "None");
  const Duration minute = Duration::Seconds(60);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), minute, kSum)), 1);
  EXPECT_EQ(Only(store.Query(kOtherOwner, id, At(0), At(60), minute, kSum)), 7);
  EXPECT_EQ(store.UnitOf(kOwner, id), "Count");
  EXPECT_EQ(store.UnitOf(kOtherOwner, id), "None");
  EXPECT_TRUE(store.Query(3, id, At(0), At(60), minute, kSum).empty());
  EXPECT_EQ(store.List(kOwner, "", "", {}, At(0)).size(), 1u);
  EXPECT_TRUE(store.List(3, "", "", {}, At(0)).empty());
  EXPECT_EQ(store.series_count(), 2u);
}

TEST(MetricStoreTest, TrimDropsSecondsAfterHighResolutionRetentionAndMinutesAfterRetention) {
  MetricStore store;  // 3 h of seconds, 24 h of minutes
  const MetricId id = Concurrent();
  store.Record(kOwner, id, At(0), 1);
  store.Record(kOwner, id, At(30), 2);
  store.Record(kOwner, id, At(7200), 4);
  const Timestamp lo = At(0);
  const Timestamp hi = At(86'400 * 2);

  // The second bucket [0, 1) is kept while any of it is within 3 h of now.
  store.Trim(At(3 * 3600));
  EXPECT_EQ(Values(store.Query(kOwner, id, lo, hi, Duration::Seconds(1), kSum)),
            (std::vector<double>{1, 2, 4}));
  store.Trim(At(3 * 3600 + 1));
  EXPECT_EQ(Values(store.Query(kOwner, id, lo, hi, Duration::Seconds(1), kSum)),
            (std::vector<double>{2, 4}));
  store.Trim(At(4 * 3600));
  EXPECT_EQ(Values(store.Query(kOwner, id, lo, hi, Duration::Seconds(1), kSum)),
            (std::vector<double>{4}));
  // Minutes are untouched: 60 s and 120 s periods read them, a 90 s period reads seconds.
  EXPECT_EQ(Values(store.Query(kOwner, id, lo, hi, Duration::Seconds(60), kSum)),
            (std::vector<double>{3, 4}));
  EXPECT_EQ(Values(store.Query(kOwner, id, lo, hi, Duration::Seconds(120), kSum)),
            (std::vector<double>{3, 4}));
  EXPECT_EQ(Values(store.Query(kOwner, id, lo, hi, Duration::Seconds(90), kSum)),
            (std::vector<double>{4}));

  // The minute [0, 60) goes once all of it is older than 24 h.
  store.Trim(At(86'400 + 59));
  EXPECT_EQ(Values(store.Query(kOwner, id, lo, hi, Duration::Seconds(60), kSum)),
            (std::vector<double>{3, 4}));
  store.Trim(At(86'400 + 60));
  EXPECT_EQ(Values(store.Query(kOwner, id, lo, hi, Duration::Seconds(60), kSum)),
            (std::vector<double>{4}));
  EXPECT_EQ(store.series_count(), 1u);

  // Nothing left: the series goes.
  store.Trim(At(86'400 + 7200 + 60));
  EXPECT_EQ(store.series_count(), 0u);
  EXPECT_EQ(store.UnitOf(kOwner, id), std::nullopt);
  EXPECT_TRUE(store.List(kOwner, "", "", {}, lo).empty());
  EXPECT_TRUE(store.Query(kOwner, id, lo, hi, Duration::Seconds(60), kSum).empty());

  // A new sample makes a new series, with its own unit.
  store.Record(kOwner, id, At(200'000), 1, 1, "Count");
  EXPECT_EQ(store.UnitOf(kOwner, id), "Count");
  EXPECT_EQ(store.series_count(), 1u);
}

TEST(MetricStoreTest, TrimHonoursConfiguredRetentions) {
  MetricStore store(MetricStoreOptions{Duration::Minutes(10), Duration::Hours(1), 100});
  const MetricId a = MakeMetricId("Custom", "A");
  const MetricId b = MakeMetricId("Custom", "B");
  store.Record(kOwner, a, At(0), 1);
  store.Record(kOwner, b, At(0), 1);
  store.Record(kOwner, b, At(3000), 1);
  store.Trim(At(700));
  EXPECT_TRUE(store.Query(kOwner, a, At(0), At(60), Duration::Seconds(1), kSum).empty());
  EXPECT_EQ(store.Query(kOwner, a, At(0), At(60), Duration::Seconds(60), kSum).size(), 1u);
  store.Trim(At(3660));
  EXPECT_EQ(store.series_count(), 1u);
  EXPECT_EQ(store.UnitOf(kOwner, a), std::nullopt);
  EXPECT_TRUE(store.Query(kOwner, b, At(0), At(3600), Duration::Seconds(1), kSum).empty());
  EXPECT_EQ(Starts(store.Query(kOwner, b, At(0), At(3600), Duration::Seconds(60), kSum)),
            (std::vector<std::int64_t>{3000}));
}

TEST(MetricStoreTest, MaxSeriesDropsSamplesForNewSeriesOnly) {
  MetricStore store(MetricStoreOptions{Duration::Hours(3), Duration::Hours(24), 2});
  const MetricId a = MakeMetricId("Custom", "A");
  const MetricId b = MakeMetricId("Custom", "B");
  const MetricId c = MakeMetricId("Custom", "C");
  store.Record(kOwner, a, At(0), 1);
  store.Record(kOtherOwner, b, At(0), 1);  // the bound is store-wide
  EXPECT_EQ(store.series_count(), 2u);
  EXPECT_EQ(store.dropped_samples(), 0u);

  store.Record(kOwner, c, At(0), 1);
  store.RecordSet(kOwner, c, At(0), SampleSet{2, 3, 1, 2});
  store.Record(kOwner, b, At(0), 1);  // b exists for the other owner only
  EXPECT_EQ(store.series_count(), 2u);
  EXPECT_EQ(store.dropped_samples(), 3u);
  EXPECT_EQ(store.UnitOf(kOwner, c), std::nullopt);
  EXPECT_TRUE(store.List(kOwner, "", "", {}, At(0)) == std::vector<MetricId>{a});

  // Existing series still take samples.
  store.Record(kOwner, a, At(1), 5);
  EXPECT_EQ(Only(store.Query(kOwner, a, At(0), At(60), Duration::Seconds(60), kSum)), 6);
  EXPECT_EQ(store.dropped_samples(), 3u);

  // Once Trim frees room, a new series is admitted.
  store.Record(kOwner, a, At(100'000), 1);
  store.Trim(At(100'000));
  EXPECT_EQ(store.series_count(), 1u);
  store.Record(kOwner, c, At(100'000), 1);
  EXPECT_EQ(store.series_count(), 2u);
  EXPECT_EQ(store.UnitOf(kOwner, c), "None");
  EXPECT_EQ(store.dropped_samples(), 3u);
}

TEST(MetricStoreTest, RecordThroughAHandleSurvivesTrim) {
  MetricStore store(MetricStoreOptions{Duration::Hours(3), Duration::Hours(24), 1});
  const MetricId id = Concurrent();
  SeriesHandle handle;
  store.Record(kOwner, id, handle, At(0), 2, 1, "Count");
  store.Record(kOwner, id, handle, At(1), 3, 1, "Count");
  store.Record(kOwner, id, At(2), 5);  // the same series, looked up by id
  EXPECT_EQ(store.series_count(), 1u);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(0), At(60), Duration::Seconds(60), kSum)), 10);

  // Trim drops the series; the handle finds (here: makes) it again.
  store.Trim(At(100'000));
  EXPECT_EQ(store.series_count(), 0u);
  store.Record(kOwner, MakeMetricId("Custom", "Other"), At(100'000), 1);  // fills the store
  store.Record(kOwner, id, handle, At(100'000), 7, 1, "Count");
  EXPECT_EQ(store.dropped_samples(), 1u);
  EXPECT_EQ(store.UnitOf(kOwner, id), std::nullopt);
  store.Trim(At(300'000));
  store.Record(kOwner, id, handle, At(300'000), 7, 1, "Count");
  EXPECT_EQ(store.series_count(), 1u);
  EXPECT_EQ(Only(store.Query(kOwner, id, At(300'000), At(300'060), Duration::Seconds(60), kSum)),
            7);
}

TEST(MetricStoreTest, UnsortedDimensionsNameTheSameSeries) {
  MetricStore store;
  MetricId unsorted{"AWS/Lambda", "Invocations", {{"Resource", "f:prod"}, {"FunctionName", "f"}}};
  const MetricId sorted = MakeMetricId(unsorted.ns, unsorted.name, unsorted.dimensions);
  store.Record(kOwner, unsorted, At(0), 1);
  store.Record(kOwner, sorted, At(0), 1);
  EXPECT_EQ(store.series_count(), 1u);
  EXPECT_EQ(Only(store.Query(kOwner, sorted, At(0), At(60), Duration::Seconds(60), kSum)), 2);
}

TEST(MetricStoreTest, UnknownSeriesAndZeroPeriodReturnNothing) {
  MetricStore store;
  store.Record(kOwner, Concurrent("a"), At(0), 1);
  EXPECT_TRUE(
      store.Query(kOwner, Concurrent("b"), At(0), At(60), Duration::Seconds(60), kSum).empty());
  EXPECT_TRUE(store.Query(kOwner, Concurrent("a"), At(0), At(60), Duration::Zero(), kSum).empty());
}

}  // namespace
}  // namespace hr::telemetry
