#pragma once
// Arrivals: when a function's requests arrive, as a workload file declares its traffic —
// constant rate (evenly spaced), Poisson, step (a Poisson rate that changes at given times),
// linear ramp, spike (N requests at one instant, or spread evenly over a window) and diurnal
// (a Poisson rate following a sinusoid). CSV trace replay is sim/trace_reader.h.
//
// ArrivalProcess is the declaration (a value, built by sim/workload.h). Poisson and step
// entries, whose rates are piecewise constant, are drawn together by sim/poisson_mix.h;
// ArrivalGenerator walks each of the other kinds in virtual time, drawing from its own Rng
// (ramps and sinusoids by thinning). Next() allocates nothing.
//
// Who calls it: sim/simulation.h, one generator per constant, ramp, spike or diurnal entry.
// Not thread-safe.

#include <cstdint>
#include <limits>
#include <vector>

#include "sim/random.h"

namespace hr::sim {

// Times are nanoseconds from the start of the simulation.
inline constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
// Gaps beyond this (about 30 years) are "never", which also keeps the casts to ns defined.
inline constexpr double kFarFuture = 1e18;

struct RateStep {
  std::int64_t at = 0;  // ns
  double rate = 0;      // per second, from `at` until the next step
};

struct ArrivalProcess {
  enum class Kind : std::uint8_t { kConstant, kPoisson, kStep, kRamp, kSpike, kDiurnal };

  Kind kind = Kind::kPoisson;
  std::int64_t start = 0;      // ns; no arrival before
  std::int64_t end = kNever;   // ns; no arrival at or after (the simulation's end by default)
  double rate = 0;             // kConstant, kPoisson: per second. kRamp: the rate at `start`
  double rate_to = 0;          // kRamp: the rate at `ramp_end`, held afterwards
  std::int64_t ramp_end = 0;   // kRamp
  std::vector<RateStep> steps; // kStep: ascending `at`; rate 0 before the first
  std::int64_t count = 0;      // kSpike: how many, at `start`, spread evenly over `spread`
  std::int64_t spread = 0;     // kSpike: ns; 0 = all at once
  double amplitude = 0;        // kDiurnal: rate(t) = max(0, rate + amplitude * sin(2π t / period + phase))
  std::int64_t period = 0;     // kDiurnal: ns
  double phase = 0;            // kDiurnal: radians

  // The rate at `t` (per second), for the time-varying kinds; the constant rate otherwise.
  double RateAt(std::int64_t t) const;
  // The expected number of arrivals in [start, min(end, horizon)).
  double ExpectedCount(std::int64_t horizon) const;
};

class ArrivalGenerator {
 public:
  // REQUIRES: `process` outlives the generator; its kind is kConstant, kRamp, kSpike or
  // kDiurnal (Poisson and step traffic is PoissonMix's).
  ArrivalGenerator(const ArrivalProcess& process, Rng rng);

  // The next arrival time (ns, non-decreasing), or kNever when the process is over.
  std::int64_t Next();

 private:
  const ArrivalProcess& p_;
  Rng rng_;
  double now_ = 0;          // ns, as a double for thinning; the last arrival
  std::int64_t index_ = 0;  // kConstant, kSpike: arrivals so far
  double max_rate_ = 0;     // thinning bound
};

}  // namespace hr::sim
