#pragma once
// The server's clocks: the only code in headroom that reads the operating system's time.
//
//   RealClock    wall-clock time.
//   ScaledClock  starts at wall-clock time and runs `factor` times faster (a 60 s alarm period
//                passes in one second at 60×), for watching slow AWS behaviour in a test.
//   SteppedClock starts at wall-clock time and moves only when Advance is called (the
//                `/_headroom/clock/advance` admin call), for deterministic end-to-end tests.
// app/ picks one from the `--clock real|manual|scaled:F` setting. All are safe to read from any
// thread; SteppedClock::Advance may race with readers (atomic).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"

namespace hr::server {

class RealClock final : public Clock {
 public:
  Timestamp Now() const override;
};

class ScaledClock final : public Clock {
 public:
  // REQUIRES: factor > 0.
  explicit ScaledClock(double factor);
  Timestamp Now() const override;

 private:
  const double factor_;
  const Timestamp start_;
  const std::chrono::steady_clock::time_point steady_start_;
};

class SteppedClock final : public Clock {
 public:
  SteppedClock();
  Timestamp Now() const override {
    return Timestamp::FromUnixNanos(nanos_.load(std::memory_order_acquire));
  }
  // REQUIRES: d >= 0.
  void Advance(Duration d) { nanos_.fetch_add(d.nanos(), std::memory_order_acq_rel); }

 private:
  std::atomic<std::int64_t> nanos_;
};

// Parses "real", "manual" or "scaled:F" (F a positive number). Errors: kInvalidParameter.
StatusOr<std::unique_ptr<Clock>> MakeClock(std::string_view spec);

}  // namespace hr::server
