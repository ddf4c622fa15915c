#include "sim/random.h"

#include <cmath>

namespace hr::sim {
namespace {

std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A ziggurat of 256 layers of equal area `v` under a decreasing density f on [0, ∞), after
// G. Marsaglia and W. W. Tsang, "The Ziggurat Method for Generating Random Variables" (2000).
// x[1] = r is where the tail starts; x[i] decreases to x[256] = 0; layer i (i ≥ 1) is the
// rectangle [0, x[i]] × [f(x[i]), f(x[i+1])], and layer 0 is [0, x[0]] × [0, f(r)]: the base
// below f(r) up to r plus, in area, the tail beyond it.
struct Ziggurat {
  double x[257];
  double f[257];  // f(x[i]); f[0] is not used
  template <typename F, typename Inverse>
  Ziggurat(double r, double v, F density, Inverse inverse) {
    x[0] = v / density(r);
    x[1] = r;
    f[0] = 0;
    f[1] = density(r);
    for (int i = 1; i < 255; ++i) {
      x[i + 1] = inverse(f[i] + v / x[i]);
      f[i + 1] = density(x[i + 1]);
    }
    x[256] = 0;
    f[256] = 1;
  }
};

constexpr double kNormalR = 3.6541528853610088;
constexpr double kExponentialR = 7.69711747013104972;
const Ziggurat kNormal(kNormalR, 0.00492867323399, [](double x) { return std::exp(-0.5 * x * x); },
                       [](double y) { return std::sqrt(-2.0 * std::log(y)); });
const Ziggurat kExponential(kExponentialR, 0.0039496598225815571993, [](double x) { return std::exp(-x); },
                            [](double y) { return -std::log(y); });

}  // namespace

Rng::Rng(std::uint64_t seed) {
  std::uint64_t state = seed;
  for (std::uint64_t& word : s_) word = SplitMix64(state);
}

Rng Rng::Split(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t state = seed ^ (stream * 0xD1B54A32D192ED03ull);
  return Rng(SplitMix64(state));
}

double Rng::Exponential() {
  while (true) {
    const std::uint64_t u = Next();
    const std::size_t i = u & 0xff;
    const double x = static_cast<double>(u >> 11) * 0x1.0p-53 * kExponential.x[i];
    if (x < kExponential.x[i + 1]) return x;
    if (i == 0) return kExponentialR - std::log(UniformPositive());  // memoryless tail
    if (kExponential.f[i] + Uniform() * (kExponential.f[i + 1] - kExponential.f[i]) < std::exp(-x)) return x;
  }
}

double Rng::Normal() {
  while (true) {
    const std::uint64_t u = Next();
    const std::size_t i = u & 0xff;
    const double sign = (u & 0x100) ? -1.0 : 1.0;
    const double x = static_cast<double>(u >> 11) * 0x1.0p-53 * kNormal.x[i];
    if (x < kNormal.x[i + 1]) return sign * x;
    if (i == 0) {
      // The tail beyond R (Marsaglia, 1964).
      double a, b;
      do {
        a = -std::log(UniformPositive()) / kNormalR;
        b = -std::log(UniformPositive());
      } while (b + b < a * a);
      return sign * (kNormalR + a);
    }
    if (kNormal.f[i] + Uniform() * (kNormal.f[i + 1] - kNormal.f[i]) < std::exp(-0.5 * x * x)) return sign * x;
  }
}

}  // namespace hr::sim
