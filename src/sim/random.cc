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

template <typename F, typename Inverse>
Ziggurat Build(double r, double v, F density, Inverse inverse) {
  Ziggurat z;
  z.x[0] = v / density(r);
  z.x[1] = r;
  z.f[0] = 0;
  z.f[1] = density(r);
  for (int i = 1; i < 255; ++i) {
    z.x[i + 1] = inverse(z.f[i] + v / z.x[i]);
    z.f[i + 1] = density(z.x[i + 1]);
  }
  z.x[256] = 0;
  z.f[256] = 1;
  return z;
}

constexpr double kNormalR = 3.6541528853610088;
constexpr double kExponentialR = 7.69711747013104972;

}  // namespace

const Ziggurat kNormalLayers = Build(kNormalR, 0.00492867323399, [](double x) { return std::exp(-0.5 * x * x); },
                                     [](double y) { return std::sqrt(-2.0 * std::log(y)); });
const Ziggurat kExponentialLayers = Build(kExponentialR, 0.0039496598225815571993,
                                          [](double x) { return std::exp(-x); }, [](double y) { return -std::log(y); });

Rng::Rng(std::uint64_t seed) {
  std::uint64_t state = seed;
  for (std::uint64_t& word : s_) word = SplitMix64(state);
}

Rng Rng::Split(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t state = seed ^ (stream * 0xD1B54A32D192ED03ull);
  return Rng(SplitMix64(state));
}

double Rng::ExponentialBeyondLayer(std::size_t i, double x) {
  const Ziggurat& z = kExponentialLayers;
  if (i == 0) return kExponentialR - std::log(UniformPositive());  // memoryless tail
  if (z.f[i] + Uniform() * (z.f[i + 1] - z.f[i]) < std::exp(-x)) return x;
  return Exponential();
}

double Rng::NormalBeyondLayer(std::size_t i, double x, double sign) {
  const Ziggurat& z = kNormalLayers;
  if (i == 0) {
    // The tail beyond R (Marsaglia, 1964).
    double a, b;
    do {
      a = -std::log(UniformPositive()) / kNormalR;
      b = -std::log(UniformPositive());
    } while (b + b < a * a);
    return sign * (kNormalR + a);
  }
  if (z.f[i] + Uniform() * (z.f[i + 1] - z.f[i]) < std::exp(-0.5 * x * x)) return sign * x;
  return Normal();
}

}  // namespace hr::sim
