#include "server/request_id.h"

#include <random>

namespace hr::server {
namespace {

// A version-4 UUID made of the 128 bits in `hi` and `lo`.
std::string FormatUuid(std::uint64_t hi, std::uint64_t lo) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  int nibble = 0;
  for (int i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    const std::uint64_t word = nibble < 16 ? hi : lo;
    unsigned v = static_cast<unsigned>((word >> (4 * (nibble % 16))) & 0xF);
    if (i == 14) v = 4;                 // version 4
    if (i == 19) v = 8 | (v & 0x3);     // variant 10xx
    out[static_cast<std::size_t>(i)] = kHex[v];
    ++nibble;
  }
  return out;
}

std::mt19937_64& ThreadRng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

// splitmix64: a full-period 64-bit sequence; good enough to spread ids from one seed.
std::uint64_t SplitMix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::string NewRequestId() {
  std::mt19937_64& rng = ThreadRng();
  const std::uint64_t hi = rng(), lo = rng();
  return FormatUuid(hi, lo);
}

std::uint64_t IdSequence::RandomSeed() { return ThreadRng()(); }

std::string IdSequence::Next() {
  const std::uint64_t hi = SplitMix(state_), lo = SplitMix(state_);
  return FormatUuid(hi, lo);
}

}  // namespace hr::server
