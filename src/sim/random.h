#pragma once
// Rng: the simulator's own pseudo-random generator (xoshiro256** seeded through splitmix64)
// and the few draws it needs, written out here rather than taken from std::*_distribution,
// whose output differs between standard libraries. The same seed gives the same sequence on
// every platform headroom builds on, so a simulation is reproducible byte for byte.
//
// Who calls it: the arrival generators and duration distributions (sim/arrivals.h,
// sim/distribution.h), each with its own stream (Split), so adding a function to a workload
// does not change the draws of the others. Not thread-safe; a value.

#include <cstdint>

namespace hr::sim {

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
  // every time, a logarithm or exponential only in the rare wedge and tail cases.
  double Exponential();
  double Normal();

  // An independent generator for stream `stream` of this seed (a function, an arrival
  // process): the seed and the stream number mixed through splitmix64.
  static Rng Split(std::uint64_t seed, std::uint64_t stream);

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace hr::sim
