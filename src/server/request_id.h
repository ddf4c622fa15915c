#pragma once
// Request and revision ids.
//
// NewRequestId: a random UUID (version 4) for x-amzn-RequestId, e.g.
// "c0ffee00-1234-4abc-8def-0123456789ab". Any thread (a generator per thread).
//
// IdSequence: the ids one control-plane write hands out (RevisionIds), drawn from a seed.
// The same seed gives the same ids in the same order, so a write replayed from the journal
// gives back the RevisionIds its client saw, and RevisionId preconditions still hold after a
// restart. One sequence per write; not thread-safe.

#include <cstdint>
#include <string>

namespace hr::server {

std::string NewRequestId();

class IdSequence {
 public:
  explicit IdSequence(std::uint64_t seed) : state_(seed) {}
  // A fresh seed for a live write.
  static std::uint64_t RandomSeed();

  std::uint64_t seed() const { return seed_; }
  // The next UUID-formatted id.
  std::string Next();

 private:
  std::uint64_t state_;
  std::uint64_t seed_ = state_;
};

}  // namespace hr::server
