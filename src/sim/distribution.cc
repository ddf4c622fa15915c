#include "sim/distribution.h"

#include <algorithm>
#include <cmath>

namespace hr::sim {

double Distribution::Percentile(double u) const {
  // The first point at or above u; points.front() is at 0 and points.back() at 1.
  auto it = std::lower_bound(points.begin(), points.end(), u,
                             [](const std::pair<double, double>& p, double q) { return p.first < q; });
  if (it == points.begin()) return it->second;
  const auto& hi = *it;
  const auto& lo = *(it - 1);
  const double span = hi.first - lo.first;
  return span <= 0 ? hi.second : lo.second + (hi.second - lo.second) * (u - lo.first) / span;
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
