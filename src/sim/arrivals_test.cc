#include "sim/arrivals.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hr::sim {
namespace {

constexpr std::int64_t kS = 1'000'000'000;

// Arrivals in [0, horizon), checking they never go back in time.
std::vector<std::int64_t> Draw(const ArrivalProcess& p, std::int64_t horizon, std::uint64_t seed = 1) {
  ArrivalGenerator g(p, Rng(seed));
  std::vector<std::int64_t> out;
  std::int64_t last = 0;
  for (std::int64_t t = g.Next(); t < horizon; t = g.Next()) {
    EXPECT_GE(t, last);
    last = t;
    out.push_back(t);
  }
  return out;
}

TEST(Arrivals, ConstantIsEvenlySpaced) {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kConstant;
  p.rate = 4;
  const auto ts = Draw(p, 10 * kS);
  ASSERT_EQ(ts.size(), 40u);
  EXPECT_EQ(ts[0], 0);
  EXPECT_EQ(ts[1], kS / 4);
  EXPECT_EQ(ts[39], 39 * kS / 4);
}

TEST(Arrivals, RampGrowsLinearlyThenHolds) {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kRamp;
  p.rate = 0;
  p.rate_to = 1000;
  p.ramp_end = 10 * kS;
  p.end = 20 * kS;
  const auto ts = Draw(p, 30 * kS);
  std::int64_t ramp = 0, hold = 0, early = 0;
  for (std::int64_t t : ts) {
    (t < 10 * kS ? ramp : hold)++;
    if (t < 5 * kS) ++early;
  }
  EXPECT_NEAR(static_cast<double>(ramp), 5000, 300);    // the triangle: 10 s × 1000 / 2
  EXPECT_NEAR(static_cast<double>(early), 1250, 150);   // a quarter of it in the first half
  EXPECT_NEAR(static_cast<double>(hold), 10'000, 400);
  EXPECT_NEAR(p.ExpectedCount(30 * kS), 15'000, 20);
}

TEST(Arrivals, PoissonAndStepAreTheMixs) {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kPoisson;
  p.rate = 100;
  EXPECT_TRUE(Draw(p, 10 * kS).empty());
}

TEST(Arrivals, SpikeAtOnceOrSpread) {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kSpike;
  p.start = 3 * kS;
  p.count = 150;
  auto ts = Draw(p, 10 * kS);
  ASSERT_EQ(ts.size(), 150u);
  for (std::int64_t t : ts) EXPECT_EQ(t, 3 * kS);
  p.spread = kS;
  ts = Draw(p, 10 * kS);
  ASSERT_EQ(ts.size(), 150u);
  EXPECT_EQ(ts.front(), 3 * kS);
  EXPECT_LT(ts.back(), 4 * kS);
}

TEST(Arrivals, DiurnalPeaksWhereAsked) {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kDiurnal;
  p.rate = 100;
  p.amplitude = 90;
  p.period = 100 * kS;
  const double pi = 3.14159265358979323846;
  p.phase = pi / 2 - 2 * pi * 25.0 / 100.0;  // peak at 25 s
  EXPECT_NEAR(p.RateAt(25 * kS), 190, 1e-6);
  EXPECT_NEAR(p.RateAt(75 * kS), 10, 1e-6);
  const auto ts = Draw(p, 100 * kS);
  EXPECT_NEAR(static_cast<double>(ts.size()), 10'000, 400);  // the mean rate over a period
  std::int64_t near_peak = 0, near_trough = 0;
  for (std::int64_t t : ts) {
    if (t >= 20 * kS && t < 30 * kS) ++near_peak;
    if (t >= 70 * kS && t < 80 * kS) ++near_trough;
  }
  EXPECT_GT(near_peak, 5 * near_trough);
}

TEST(Arrivals, SameSeedSameArrivals) {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kRamp;
  p.rate = 10;
  p.rate_to = 50;
  p.ramp_end = 10 * kS;
  EXPECT_EQ(Draw(p, 10 * kS, 5), Draw(p, 10 * kS, 5));
  EXPECT_NE(Draw(p, 10 * kS, 5), Draw(p, 10 * kS, 6));
}

}  // namespace
}  // namespace hr::sim
