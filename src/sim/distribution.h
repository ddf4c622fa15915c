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

  // One draw. Never negative.
  Duration Sample(Rng& rng) const;
  // The distribution's mean, in nanoseconds (for tests and the report).
  double Mean() const;
};

}  // namespace hr::sim
