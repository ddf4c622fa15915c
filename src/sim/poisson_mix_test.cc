#include "sim/poisson_mix.h"

#include <gtest/gtest.h>

#include <cmath>
#include <utility>

namespace hr::sim {
namespace {

constexpr std::int64_t kS = 1'000'000'000;

ArrivalProcess Poisson(double rate, std::int64_t start = 0, std::int64_t end = kNever) {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kPoisson;
  p.rate = rate;
  p.start = start;
  p.end = end;
  return p;
}

// Arrivals in [0, horizon) as (time, function), checking they never go back in time.
std::vector<std::pair<std::int64_t, std::uint32_t>> Draw(const std::vector<const ArrivalProcess*>& processes,
                                                         std::int64_t horizon, std::uint64_t seed = 1) {
  std::vector<PoissonMix::Member> members;
  for (std::uint32_t i = 0; i < processes.size(); ++i) members.push_back({processes[i], i});
  PoissonMix mix(members, Rng(seed));
  std::vector<std::pair<std::int64_t, std::uint32_t>> out;
  std::int64_t last = 0;
  for (PoissonMix::Arrival a = mix.Next(); a.at < horizon; a = mix.Next()) {
    EXPECT_GE(a.at, last);
    last = a.at;
    out.emplace_back(a.at, a.function);
  }
  return out;
}

TEST(PoissonMix, OneEntryCountAndInterArrivalMean) {
  const ArrivalProcess p = Poisson(1000);
  const auto ts = Draw({&p}, 100 * kS);
  // 100,000 expected; the standard deviation is sqrt(100,000) ≈ 316.
  EXPECT_NEAR(static_cast<double>(ts.size()), 100'000, 1500);
  EXPECT_NEAR(p.ExpectedCount(100 * kS), 100'000, 1);
  // Exponential gaps: mean 1 ms, and as many above the mean as e^-1 predicts.
  std::int64_t above = 0;
  for (std::size_t i = 1; i < ts.size(); ++i) above += ts[i].first - ts[i - 1].first > kS / 1000;
  EXPECT_NEAR(static_cast<double>(above) / static_cast<double>(ts.size()), std::exp(-1.0), 0.01);
}

TEST(PoissonMix, EachEntryGetsItsShareAsItsOwnPoissonProcess) {
  const ArrivalProcess a = Poisson(100), b = Poisson(300), idle = Poisson(0), c = Poisson(600);
  const auto ts = Draw({&a, &b, &idle, &c}, 100 * kS);
  std::int64_t count[4] = {};
  std::int64_t last_b = -1, gaps_b = 0;
  double gap_sum_b = 0;
  for (const auto& [t, f] : ts) {
    ++count[f];
    if (f == 1) {
      if (last_b >= 0) gap_sum_b += static_cast<double>(t - last_b), ++gaps_b;
      last_b = t;
    }
  }
  EXPECT_NEAR(static_cast<double>(count[0]), 10'000, 400);
  EXPECT_NEAR(static_cast<double>(count[1]), 30'000, 700);
  EXPECT_EQ(count[2], 0);
  EXPECT_NEAR(static_cast<double>(count[3]), 60'000, 1000);
  // b's own gaps average 1/300 s.
  EXPECT_NEAR(gap_sum_b / static_cast<double>(gaps_b), 1e9 / 300, 1e9 / 300 * 0.03);
}

TEST(PoissonMix, EntriesRespectTheirWindows) {
  const ArrivalProcess early = Poisson(100, 5 * kS, 7 * kS), late = Poisson(100, 6 * kS);
  const auto ts = Draw({&early, &late}, 10 * kS);
  std::int64_t count[2] = {};
  for (const auto& [t, f] : ts) {
    ++count[f];
    if (f == 0) {
      EXPECT_GE(t, 5 * kS);
      EXPECT_LT(t, 7 * kS);
    } else {
      EXPECT_GE(t, 6 * kS);
    }
  }
  EXPECT_NEAR(static_cast<double>(count[0]), 200, 60);
  EXPECT_NEAR(static_cast<double>(count[1]), 400, 80);
}

TEST(PoissonMix, StepChangesRateAtEachStep) {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kStep;
  p.steps = {{0, 100}, {10 * kS, 1000}, {20 * kS, 0}};
  const auto ts = Draw({&p}, 30 * kS);
  std::int64_t first = 0, second = 0, third = 0;
  for (const auto& [t, f] : ts) (t < 10 * kS ? first : t < 20 * kS ? second : third)++;
  EXPECT_NEAR(static_cast<double>(first), 1000, 150);
  EXPECT_NEAR(static_cast<double>(second), 10'000, 400);
  EXPECT_EQ(third, 0);
}

TEST(PoissonMix, NothingWhenNoRate) {
  const ArrivalProcess p = Poisson(0);
  PoissonMix mix({{&p, 0}}, Rng(1));
  EXPECT_EQ(mix.Next().at, kNever);
  PoissonMix empty({}, Rng(1));
  EXPECT_EQ(empty.Next().at, kNever);
}

TEST(PoissonMix, SameSeedSameArrivals) {
  const ArrivalProcess a = Poisson(50), b = Poisson(20);
  EXPECT_EQ(Draw({&a, &b}, 10 * kS, 5), Draw({&a, &b}, 10 * kS, 5));
  EXPECT_NE(Draw({&a, &b}, 10 * kS, 5), Draw({&a, &b}, 10 * kS, 6));
}

}  // namespace
}  // namespace hr::sim
