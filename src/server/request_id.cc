#include "server/request_id.h"

#include <random>

namespace hr::server {

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::uint64_t hi = rng(), lo = rng();
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

}  // namespace hr::server
