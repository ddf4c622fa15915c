#pragma once
// Distribution: how long something takes — an invocation's duration or an environment's
// init — as a workload file declares it: fixed, uniform, normal, lognormal, or empirical
// percentiles (the inverse CDF interpolated linearly between the given points).
//
// Who calls it: the workload parser builds them (sim/workload.h), the simulation draws from
// them once per invocation. Sample() allocates nothing. A value; not thread-safe only in
// that the Rng it draws from is not.

#include <cstdint>
#include <utility>
#include <vector>

#include "base/time.h"
#include "sim/fast_exp.h"
#include "sim/random.h"

namespace hr::sim {

struct Distribution {
  enum class Kind : std::uint8_t { kFixed, kUniform, kNormal, kLognormal, kPercentiles };

  Kind kind = Kind::kFixed;
  // kFixed: a = the value. kUniform: [a, b]. kNormal: mean a, standard deviation b
  // (negative draws are 0). kLognormal: median a, sigma b (of the underlying normal).
  double a = 0;  // nanoseconds (sigma excepted)
  double b = 0;
  // kPercentiles: (quantile in [0, 1], nanoseconds), ascending in both; the first is at
  // quantile 0 and the last at 1 (the parser extends the lowest and highest given).
  std::vector<std::pair<double, double>> points;

  static Distribution Fixed(Duration d) { return {Kind::kFixed, static_cast<double>(d.nanos()), 0, {}}; }

  // One draw. Never negative. Inline: one per invocation.
  Duration Sample(Rng& rng) const {
    double v = 0;
    switch (kind) {
      case Kind::kFixed:
        v = a;
        break;
      case Kind::kUniform:
        v = a + (b - a) * rng.Uniform();
        break;
      case Kind::kNormal:
        v = a + b * rng.Normal();
        break;
      case Kind::kLognormal:
        v = a * Exp(b * rng.Normal());
        break;
      case Kind::kPercentiles:
        v = Percentile(rng.Uniform());
        break;
    }
    // At most about 30 years (a huge sigma can overflow): keeps the cast and `now + run` defined.
    constexpr double kLongest = 1e18;
    if (!(v > 0)) return Duration::Nanos(0);
    return Duration::Nanos(v < kLongest ? static_cast<std::int64_t>(v) : static_cast<std::int64_t>(kLongest));
  }
  // The distribution's mean, in nanoseconds (for tests and the report).
  double Mean() const;

 private:
  // kPercentiles: the value at quantile u.
  double Percentile(double u) const;
};

}  // namespace hr::sim
