#pragma once
// Rng: the simulator's own pseudo-random generator (xoshiro256** seeded through splitmix64)
// and the few draws it needs, written out here rather than taken from std::*_distribution,
// whose output differs between standard libraries. The same seed gives the same sequence on
// every platform headroom builds on, so a simulation is reproducible byte for byte.
//
// Who calls it: the arrival generators, the Poisson mix and the duration distributions
// (sim/arrivals.h, sim/poisson_mix.h, sim/distribution.h), each with its own stream (Split), so
// adding a function to a workload does not change the others' durations or non-Poisson
// arrivals (the Poisson mix's draws are shared by all its entries). Not thread-safe; a value.

#include <cstddef>
#include <cstdint>

namespace hr::sim {

// A ziggurat of 256 layers of equal area under a decreasing density f on [0, ∞), after
// G. Marsaglia and W. W. Tsang, "The Ziggurat Method for Generating Random Variables" (2000).
// x[1] = r is where the tail starts; x[i] decreases to x[256] = 0; layer i (i ≥ 1) is the
// rectangle [0, x[i]] × [f(x[i]), f(x[i+1])], and layer 0 is [0, x[0]] × [0, f(r)]: the base
// below f(r) up to r plus, in area, the tail beyond it. sim/random.cc builds the two below.
struct Ziggurat {
  double x[257];
  double f[257];  // f(x[i]); f[0] is not used
};
extern const Ziggurat kNormalLayers;       // f(x) = exp(-x²/2)
extern const Ziggurat kExponentialLayers;  // f(x) = exp(-x)

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  // The next 64 random bits.
  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1), 53 bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe to take the logarithm of.
  double UniformPositive() { return static_cast<double>((Next() >> 11) + 1) * 0x1.0p-53; }
  // Exponential with mean 1, and standard normal (mean 0, standard deviation 1), both by
  // Marsaglia and Tsang's ziggurat (256 layers): one 64-bit draw and a table lookup nearly
  // every time (inline), a logarithm or exponential only in the rare wedge and tail cases.
  double Exponential() {
    const std::uint64_t u = Next();
    const std::size_t i = u & 0xff;
    const double x = static_cast<double>(u >> 11) * 0x1.0p-53 * kExponentialLayers.x[i];
    if (x < kExponentialLayers.x[i + 1]) [[likely]] return x;
    return ExponentialBeyondLayer(i, x);
  }
  double Normal() {
    const std::uint64_t u = Next();
    const std::size_t i = u & 0xff;
    const double x = static_cast<double>(u >> 11) * 0x1.0p-53 * kNormalLayers.x[i];
    const double sign = (u & 0x100) ? -1.0 : 1.0;
    if (x < kNormalLayers.x[i + 1]) [[likely]] return sign * x;
    return NormalBeyondLayer(i, x, sign);
  }

  // An independent generator for stream `stream` of this seed (a function, an arrival
  // process): the seed and the stream number mixed through splitmix64.
  static Rng Split(std::uint64_t seed, std::uint64_t stream);

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  // The rest of a draw whose point `x` fell outside the rectangle inside layer `i`: the
  // wedge test, the tail (layer 0), or a new draw.
  double ExponentialBeyondLayer(std::size_t i, double x);
  double NormalBeyondLayer(std::size_t i, double x, double sign);
  std::uint64_t s_[4];
};

}  // namespace hr::sim
