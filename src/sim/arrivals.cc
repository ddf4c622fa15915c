#include "sim/arrivals.h"

#include <algorithm>
#include <cmath>

namespace hr::sim {
namespace {
constexpr double kTwoPi = 6.283185307179586476925286766559;
}  // namespace

double ArrivalProcess::RateAt(std::int64_t t) const {
  switch (kind) {
    case Kind::kRamp: {
      if (t >= ramp_end || ramp_end <= start) return rate_to;
      if (t <= start) return rate;
      return rate + (rate_to - rate) * static_cast<double>(t - start) / static_cast<double>(ramp_end - start);
    }
    case Kind::kDiurnal:
      return std::max(0.0, rate + amplitude * std::sin(kTwoPi * static_cast<double>(t) /
                                                           static_cast<double>(period) + phase));
    case Kind::kStep: {
      double r = 0;
      for (const RateStep& s : steps) {
        if (s.at > t) break;
        r = s.rate;
      }
      return r;
    }
    default:
      return rate;
  }
}

double ArrivalProcess::ExpectedCount(std::int64_t horizon) const {
  const std::int64_t stop = std::min(end, horizon);
  if (kind == Kind::kSpike) return start < stop ? static_cast<double>(count) : 0;
  if (stop <= start) return 0;
  // Integrate the rate numerically, 1,000 steps (exact for constant and step-free kinds).
  const double span = static_cast<double>(stop - start);
  double total = 0;
  constexpr int kSteps = 1000;
  for (int i = 0; i < kSteps; ++i) {
    const std::int64_t t = start + static_cast<std::int64_t>(span * (i + 0.5) / kSteps);
    total += RateAt(t);
  }
  return total / kSteps * span / 1e9;
}

ArrivalGenerator::ArrivalGenerator(const ArrivalProcess& process, Rng rng)
    : p_(process), rng_(rng) {
  now_ = static_cast<double>(p_.start);
  switch (p_.kind) {
    case ArrivalProcess::Kind::kRamp:
      max_rate_ = std::max(p_.rate, p_.rate_to);
      break;
    case ArrivalProcess::Kind::kDiurnal:
      max_rate_ = p_.rate + std::abs(p_.amplitude);
      break;
    default:
      break;
  }
}

std::int64_t ArrivalGenerator::Next() {
  std::int64_t t = kNever;
  switch (p_.kind) {
    case ArrivalProcess::Kind::kPoisson:
    case ArrivalProcess::Kind::kStep:
      return kNever;  // PoissonMix's
    case ArrivalProcess::Kind::kConstant:
      if (p_.rate <= 0) return kNever;
      {
        const double offset = static_cast<double>(index_++) * 1e9 / p_.rate;
        if (!(offset < kFarFuture)) return kNever;
        t = p_.start + static_cast<std::int64_t>(offset);
      }
      break;
    case ArrivalProcess::Kind::kSpike:
      if (index_ >= p_.count) return kNever;
      t = p_.start + (p_.spread == 0 ? 0
                                     : static_cast<std::int64_t>(static_cast<double>(p_.spread) *
                                                                 static_cast<double>(index_) /
                                                                 static_cast<double>(p_.count)));
      ++index_;
      break;
    case ArrivalProcess::Kind::kRamp:
    case ArrivalProcess::Kind::kDiurnal: {
      if (max_rate_ <= 0) return kNever;
      while (true) {
        now_ += rng_.Exponential() * 1e9 / max_rate_;
        if (now_ >= static_cast<double>(p_.end) || !(now_ < kFarFuture)) return kNever;
        const auto at = static_cast<std::int64_t>(now_);
        if (rng_.Uniform() * max_rate_ < p_.RateAt(at)) {
          t = at;
          break;
        }
      }
      break;
    }
  }
  return t >= p_.end ? kNever : t;
}

}  // namespace hr::sim
