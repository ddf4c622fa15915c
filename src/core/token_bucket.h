#pragma once
// TokenBucket: a continuously refilled token bucket on injected time.
//
// Used for the per-function scaling rate (1,000 environments, +100/s) and the request-rate
// limits (10 × concurrency per second). Tokens are counted in billionths so that refill is
// exact integer arithmetic: after exactly one second at 100/s, exactly 100 tokens are back.
// The bucket starts full and never holds more than its capacity.
//
// Pure: the caller passes `now`; time must not go backwards (an earlier `now` refills
// nothing). Not thread-safe; owned by one account's state.

#include <cstdint>

#include "base/time.h"

namespace hr::core {

class TokenBucket {
 public:
  TokenBucket() = default;
  // A full bucket of `capacity` tokens refilled at `refill_per_second` tokens/s.
  TokenBucket(std::int64_t capacity, std::int64_t refill_per_second, Timestamp now);

  // Refills to `now`, then takes one token. Returns false (taking nothing) when empty.
  bool TryTake(Timestamp now) {
    Refill(now);
    if (nano_tokens_ < kNanosPerToken) return false;
    nano_tokens_ -= kNanosPerToken;
    return true;
  }

  // Whole tokens available at `now` (refills first).
  std::int64_t Available(Timestamp now);

  // Changes capacity and rate (e.g. the account limit changed). Tokens above the new
  // capacity are dropped; a larger bucket keeps its current tokens and fills at the new rate.
  void Reconfigure(std::int64_t capacity, std::int64_t refill_per_second, Timestamp now);

  std::int64_t capacity() const { return capacity_nano_ / kNanosPerToken; }
  std::int64_t refill_per_second() const { return rate_; }

 private:
  static constexpr std::int64_t kNanosPerToken = 1'000'000'000;
  void Refill(Timestamp now) {
    if (now <= last_) return;
    const std::int64_t elapsed = (now - last_).nanos();
    last_ = now;
    const std::int64_t deficit = capacity_nano_ - nano_tokens_;
    if (deficit <= 0 || rate_ <= 0) return;
    // elapsed * rate_ nano-tokens arrive, multiplied in 128 bits so nothing overflows (and no
    // division: this runs on nearly every admission).
    const __int128 arrived = static_cast<__int128>(elapsed) * rate_;
    nano_tokens_ = arrived >= deficit ? capacity_nano_ : nano_tokens_ + static_cast<std::int64_t>(arrived);
  }

  std::int64_t nano_tokens_ = 0;
  std::int64_t capacity_nano_ = 0;
  std::int64_t rate_ = 0;  // tokens per second == nano-tokens per nanosecond
  Timestamp last_;
};

}  // namespace hr::core
