#include "core/token_bucket.h"

namespace hr::core {

TokenBucket::TokenBucket(std::int64_t capacity, std::int64_t refill_per_second, Timestamp now)
    : nano_tokens_(capacity * kNanosPerToken),
      capacity_nano_(capacity * kNanosPerToken),
      rate_(refill_per_second),
      last_(now) {}

std::int64_t TokenBucket::Available(Timestamp now) {
  Refill(now);
  return nano_tokens_ / kNanosPerToken;
}

void TokenBucket::Reconfigure(std::int64_t capacity, std::int64_t refill_per_second,
                              Timestamp now) {
  Refill(now);
  capacity_nano_ = capacity * kNanosPerToken;
  rate_ = refill_per_second;
  if (nano_tokens_ > capacity_nano_) nano_tokens_ = capacity_nano_;
}

}  // namespace hr::core
