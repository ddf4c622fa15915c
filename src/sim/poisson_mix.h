#pragma once
// PoissonMix: every Poisson and step traffic entry of a workload, drawn as one process.
//
// The superposition of independent Poisson processes is a Poisson process whose rate is the
// sum of theirs, and each of its arrivals belongs to entry i with probability rate_i / sum.
// So one exponential gap and one pick from a Walker alias table per arrival give the same
// traffic, in distribution, as one generator (and one queued event) per entry. Rates are
// piecewise constant: they change where an entry starts, ends or steps; at each change the
// mix restarts its draw there (memorylessness makes that exact) with the new rates.
//
// The price of the shared draw: adding or changing a Poisson entry changes which arrivals
// every other Poisson entry gets (still the same for the same file and seed).
//
// Who calls it: sim/simulation.h, one per simulation. Next() allocates nothing. Not
// thread-safe.

#include <cstdint>
#include <vector>

#include "sim/arrivals.h"
#include "sim/random.h"

namespace hr::sim {

class PoissonMix {
 public:
  struct Member {
    const ArrivalProcess* process;  // kPoisson or kStep; outlives the mix
    std::uint32_t function;
  };
  struct Arrival {
    std::int64_t at = kNever;  // ns; kNever when every member is over
    std::uint32_t function = 0;
  };

  // Whether a traffic entry belongs in the mix.
  static bool Mixes(const ArrivalProcess& p) {
    return p.kind == ArrivalProcess::Kind::kPoisson || p.kind == ArrivalProcess::Kind::kStep;
  }

  // REQUIRES: Mixes(*m.process) for each member.
  PoissonMix(std::vector<Member> members, Rng rng);

  // The next arrival (non-decreasing times).
  Arrival Next() {
    while (true) {
      if (mean_gap_ > 0) {
        const double gap = rng_.Exponential() * mean_gap_;
        if (gap < kFarFuture && now_ + static_cast<std::int64_t>(gap) < segment_end_) {
          now_ += static_cast<std::int64_t>(gap);
          return {now_, Pick()};
        }
      }
      if (segment_end_ == kNever) return {};
      EnterSegment(segment_end_);
    }
  }

 private:
  // The member of an arrival: column u's own member with probability threshold_[u],
  // otherwise its alias. One 64-bit draw: the high half picks the column, the low half
  // decides.
  std::uint32_t Pick() {
    const std::uint64_t u = rng_.Next();
    const std::uint64_t column = ((u >> 32) * columns_) >> 32;
    const std::uint32_t member = (u & 0xffffffffu) < threshold_[column] ? static_cast<std::uint32_t>(column) : alias_[column];
    return function_[member];
  }
  // Starts the segment at `at`: the rates in force there, and where they next change.
  void EnterSegment(std::int64_t at);

  std::vector<const ArrivalProcess*> process_;  // by member
  std::vector<std::uint32_t> function_;         // by member
  std::vector<std::int64_t> changes_;           // ascending: where any member's rate may change
  std::size_t next_change_ = 0;
  std::vector<std::uint64_t> threshold_;  // by column, in 2^-32 (2^32: always the column's own)
  std::vector<std::uint32_t> alias_;      // by column
  std::uint64_t columns_ = 0;
  double mean_gap_ = 0;  // ns between arrivals in this segment; 0: none
  std::int64_t now_ = 0;
  std::int64_t segment_end_ = kNever;
  Rng rng_;
};

}  // namespace hr::sim
