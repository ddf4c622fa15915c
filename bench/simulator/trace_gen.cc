// Writes a CSV invocation trace for bench/simulator/run: `sim_trace_gen RATE SECONDS FUNCTIONS`
// prints RATE × SECONDS lines `timestamp,fn-NNN` to stdout, evenly spaced, the functions in a
// fixed pseudo-random order (the same every run).

#include <cstdint>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: sim_trace_gen RATE SECONDS FUNCTIONS\n");
    return 2;
  }
  const std::int64_t rate = std::atoll(argv[1]), seconds = std::atoll(argv[2]), functions = std::atoll(argv[3]);
  static char buffer[1 << 20];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  std::uint64_t x = 88172645463325252ull;
  const std::int64_t total = rate * seconds;
  for (std::int64_t i = 0; i < total; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const std::int64_t micros = i * 1'000'000 / rate;
    std::printf("%lld.%06lld,fn-%03llu\n", static_cast<long long>(micros / 1'000'000),
                static_cast<long long>(micros % 1'000'000), static_cast<unsigned long long>(x % static_cast<std::uint64_t>(functions)));
  }
  return 0;
}
