#pragma once
// Timestamp and Duration: the model's notion of time.
//
// Both are whole nanoseconds in an int64 (a Timestamp counts from the Unix epoch), so token
// buckets and keep-alives compute exactly, with no floating point drift. Pure code never
// reads a clock: every command that depends on time takes `Timestamp now` from its caller
// (the server's clock, the simulator's virtual clock, or a test's ManualClock).
//
// Pure: no I/O. Values; any thread.

#include <compare>
#include <cstdint>

namespace hr {

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration Nanos(std::int64_t n) { return Duration(n); }
  static constexpr Duration Micros(std::int64_t n) { return Duration(n * 1'000); }
  static constexpr Duration Millis(std::int64_t n) { return Duration(n * 1'000'000); }
  static constexpr Duration Seconds(std::int64_t n) { return Duration(n * 1'000'000'000); }
  static constexpr Duration Minutes(std::int64_t n) { return Seconds(n * 60); }
  static constexpr Duration Hours(std::int64_t n) { return Minutes(n * 60); }
  static constexpr Duration Zero() { return Duration(0); }

  constexpr std::int64_t nanos() const { return nanos_; }
  constexpr std::int64_t millis() const { return nanos_ / 1'000'000; }
  constexpr double seconds() const { return static_cast<double>(nanos_) / 1e9; }

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration o) const { return Duration(nanos_ + o.nanos_); }
  constexpr Duration operator-(Duration o) const { return Duration(nanos_ - o.nanos_); }
  constexpr Duration operator*(std::int64_t k) const { return Duration(nanos_ * k); }
  constexpr Duration& operator+=(Duration o) { nanos_ += o.nanos_; return *this; }

 private:
  constexpr explicit Duration(std::int64_t n) : nanos_(n) {}
  std::int64_t nanos_ = 0;
};

class Timestamp {
 public:
  constexpr Timestamp() = default;
  static constexpr Timestamp FromUnixNanos(std::int64_t n) { return Timestamp(n); }
  static constexpr Timestamp FromUnixMillis(std::int64_t n) { return Timestamp(n * 1'000'000); }
  static constexpr Timestamp FromUnixSeconds(std::int64_t n) { return Timestamp(n * 1'000'000'000); }
  // The epoch: the start of every test's and every simulation's timeline.
  static constexpr Timestamp Epoch() { return Timestamp(0); }

  constexpr std::int64_t unix_nanos() const { return nanos_; }
  constexpr std::int64_t unix_millis() const { return nanos_ / 1'000'000; }
  constexpr std::int64_t unix_seconds() const { return nanos_ / 1'000'000'000; }

  constexpr auto operator<=>(const Timestamp&) const = default;
  constexpr Timestamp operator+(Duration d) const { return Timestamp(nanos_ + d.nanos()); }
  constexpr Timestamp operator-(Duration d) const { return Timestamp(nanos_ - d.nanos()); }
  constexpr Duration operator-(Timestamp o) const { return Duration::Nanos(nanos_ - o.nanos_); }
  constexpr Timestamp& operator+=(Duration d) { nanos_ += d.nanos(); return *this; }

 private:
  constexpr explicit Timestamp(std::int64_t n) : nanos_(n) {}
  std::int64_t nanos_ = 0;
};

}  // namespace hr
