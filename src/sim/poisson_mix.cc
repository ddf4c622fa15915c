#include "sim/poisson_mix.h"

#include <algorithm>
#include <cmath>

namespace hr::sim {
namespace {

constexpr double kOne = 4294967296.0;  // 2^32: probability 1 in threshold units

double RateAt(const ArrivalProcess& p, std::int64_t at) {
  if (at < p.start || at >= p.end) return 0;
  return p.kind == ArrivalProcess::Kind::kPoisson ? p.rate : p.RateAt(at);
}

}  // namespace

PoissonMix::PoissonMix(std::vector<Member> members, Rng rng) : rng_(rng) {
  for (const Member& m : members) {
    process_.push_back(m.process);
    function_.push_back(m.function);
    changes_.push_back(m.process->start);
    if (m.process->end != kNever) changes_.push_back(m.process->end);
    for (const RateStep& s : m.process->steps) changes_.push_back(s.at);
  }
  std::sort(changes_.begin(), changes_.end());
  changes_.erase(std::unique(changes_.begin(), changes_.end()), changes_.end());
  columns_ = process_.size();
  threshold_.resize(columns_);
  alias_.resize(columns_);
  EnterSegment(0);
}

void PoissonMix::EnterSegment(std::int64_t at) {
  now_ = at;
  while (next_change_ < changes_.size() && changes_[next_change_] <= at) ++next_change_;
  segment_end_ = next_change_ < changes_.size() ? changes_[next_change_] : kNever;
  // Vose's alias method: each column holds probability 1 / columns, split between its own
  // member and one alias.
  std::vector<double> share(columns_);
  double total = 0;
  for (std::size_t i = 0; i < columns_; ++i) total += share[i] = std::max(0.0, RateAt(*process_[i], at));
  mean_gap_ = total > 0 ? 1e9 / total : 0;
  if (total <= 0) return;
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < columns_; ++i) {
    share[i] *= static_cast<double>(columns_) / total;
    (share[i] < 1 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back(), l = large.back();
    small.pop_back();
    threshold_[s] = static_cast<std::uint64_t>(std::llround(share[s] * kOne));
    alias_[s] = l;
    share[l] -= 1 - share[s];
    if (share[l] < 1) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // What is left is 1 up to rounding.
  for (const std::uint32_t i : small) threshold_[i] = static_cast<std::uint64_t>(kOne), alias_[i] = i;
  for (const std::uint32_t i : large) threshold_[i] = static_cast<std::uint64_t>(kOne), alias_[i] = i;
}

}  // namespace hr::sim
