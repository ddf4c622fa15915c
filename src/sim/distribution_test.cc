#include "sim/distribution.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace hr::sim {
namespace {

double MeanOf(const Distribution& d, int n = 100'000) {
  Rng r(11);
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += static_cast<double>(d.Sample(r).nanos());
  return sum / n;
}

constexpr double kMs = 1e6;

TEST(Distribution, Fixed) {
  Rng r(1);
  const Distribution d = Distribution::Fixed(Duration::Millis(250));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(d.Sample(r), Duration::Millis(250));
}

TEST(Distribution, UniformStaysInItsRange) {
  Distribution d{Distribution::Kind::kUniform, 100 * kMs, 300 * kMs, {}};
  Rng r(2);
  for (int i = 0; i < 10'000; ++i) {
    const Duration x = d.Sample(r);
    ASSERT_GE(x, Duration::Millis(100));
    ASSERT_LE(x, Duration::Millis(300));
  }
  EXPECT_NEAR(MeanOf(d), 200 * kMs, 2 * kMs);
}

TEST(Distribution, NormalMeanAndNoNegativeDraws) {
  Distribution d{Distribution::Kind::kNormal, 200 * kMs, 20 * kMs, {}};
  EXPECT_NEAR(MeanOf(d), 200 * kMs, 1 * kMs);
  Distribution wide{Distribution::Kind::kNormal, 10 * kMs, 50 * kMs, {}};
  Rng r(4);
  for (int i = 0; i < 10'000; ++i) ASSERT_GE(wide.Sample(r).nanos(), 0);
}

TEST(Distribution, LognormalMedianAndMean) {
  Distribution d{Distribution::Kind::kLognormal, 100 * kMs, 0.5, {}};
  Rng r(5);
  std::vector<std::int64_t> xs;
  for (int i = 0; i < 100'001; ++i) xs.push_back(d.Sample(r).nanos());
  std::nth_element(xs.begin(), xs.begin() + 50'000, xs.end());
  EXPECT_NEAR(static_cast<double>(xs[50'000]), 100 * kMs, 2 * kMs);
  EXPECT_NEAR(MeanOf(d), d.Mean(), 0.01 * d.Mean());
}

TEST(Distribution, PercentilesFollowTheGivenPoints) {
  Distribution d{Distribution::Kind::kPercentiles, 0, 0,
                 {{0.0, 10 * kMs}, {0.5, 100 * kMs}, {0.9, 300 * kMs}, {1.0, 1000 * kMs}}};
  Rng r(6);
  std::vector<std::int64_t> xs;
  for (int i = 0; i < 100'000; ++i) xs.push_back(d.Sample(r).nanos());
  std::sort(xs.begin(), xs.end());
  EXPECT_NEAR(static_cast<double>(xs[50'000]), 100 * kMs, 3 * kMs);
  EXPECT_NEAR(static_cast<double>(xs[90'000]), 300 * kMs, 10 * kMs);
  EXPECT_GE(xs.front(), 10 * kMs);
  EXPECT_LE(xs.back(), 1000 * kMs);
  EXPECT_NEAR(MeanOf(d), d.Mean(), 0.01 * d.Mean());
}

}  // namespace
}  // namespace hr::sim
