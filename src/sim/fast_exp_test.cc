#include "sim/fast_exp.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "sim/random.h"

namespace hr::sim {
namespace {

// Distance in units in the last place between two positive doubles.
std::int64_t Ulps(double a, double b) {
  return std::llabs(std::bit_cast<std::int64_t>(a) - std::bit_cast<std::int64_t>(b));
}

TEST(FastExp, WithinTwoUlpOfTheLibraryAcrossItsRange) {
  Rng rng(7);
  std::int64_t worst = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    // Half over the whole range, half where durations live (sigma N with sigma up to 3).
    const double x = i % 2 ? -699.0 + 1399.0 * rng.Uniform() : 3 * rng.Normal();
    const std::int64_t ulps = Ulps(Exp(x), std::exp(x));
    worst = std::max(worst, ulps);
    ASSERT_LE(ulps, 2) << x;
  }
  EXPECT_LE(worst, 2);
}

TEST(FastExp, ExactPointsAndEdges) {
  EXPECT_EQ(Exp(0), 1.0);
  EXPECT_LE(Ulps(Exp(1), 2.718281828459045), 1);
  EXPECT_LE(Ulps(Exp(-1), 0.36787944117144233), 1);
  EXPECT_LE(Ulps(Exp(std::log(2.0) * 10), 1024.0), 1);
  EXPECT_EQ(Exp(-701), 0.0);
  EXPECT_EQ(Exp(std::nan("")), 0.0);
  EXPECT_EQ(Exp(1e308), Exp(700));
  EXPECT_LE(Ulps(Exp(700), std::exp(700.0)), 2);
}

}  // namespace
}  // namespace hr::sim
