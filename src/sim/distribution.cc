#include "sim/distribution.h"

#include <algorithm>
#include <cmath>

namespace hr::sim {

Duration Distribution::Sample(Rng& rng) const {
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
      v = a * std::exp(b * rng.Normal());
      break;
    case Kind::kPercentiles: {
      const double u = rng.Uniform();
      // The first point at or above u; points.front() is at 0 and points.back() at 1.
      auto it = std::lower_bound(points.begin(), points.end(), u,
                                 [](const std::pair<double, double>& p, double q) { return p.first < q; });
      if (it == points.begin()) {
        v = it->second;
      } else {
        const auto& hi = *it;
        const auto& lo = *(it - 1);
        const double span = hi.first - lo.first;
        v = span <= 0 ? hi.second : lo.second + (hi.second - lo.second) * (u - lo.first) / span;
      }
      break;
    }
  }
  // At most about 30 years (a huge sigma can overflow): keeps the cast and `now + run` defined.
  constexpr double kLongest = 1e18;
  if (!(v > 0)) return Duration::Nanos(0);
  return Duration::Nanos(v < kLongest ? static_cast<std::int64_t>(v) : static_cast<std::int64_t>(kLongest));
}

double Distribution::Mean() const {
  switch (kind) {
    case Kind::kFixed:
      return a;
    case Kind::kUniform:
      return (a + b) / 2;
    case Kind::kNormal:
      return a;  // ignoring the clamp at 0
    case Kind::kLognormal:
      return a * std::exp(b * b / 2);
    case Kind::kPercentiles: {
      double mean = 0;
      for (std::size_t i = 1; i < points.size(); ++i) {
        mean += (points[i].first - points[i - 1].first) * (points[i].second + points[i - 1].second) / 2;
      }
      return mean;
    }
  }
  return 0;
}

}  // namespace hr::sim
