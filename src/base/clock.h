#pragma once
// Clock: where a driver gets `now` from. The one door to time.
//
// Pure layers never hold a Clock; they take `Timestamp now` as an argument. Drivers (the
// server, the simulator, the tests) own one. ManualClock lives here because it is pure;
// the real and scaled clocks read the operating system and live outside the pure layers
// (app/ picks which one the server uses).
//
// ManualClock is not synchronised: the owner serialises Advance against Now.

#include "base/time.h"

namespace hr {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// A clock that moves only when told to. Starts at the epoch unless given a start.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start = Timestamp::Epoch()) : now_(start) {}
  Timestamp Now() const override { return now_; }
  // REQUIRES: d >= 0 (time never goes backwards).
  void Advance(Duration d) { now_ += d; }
  void Set(Timestamp t) { now_ = t; }

 private:
  Timestamp now_;
};

}  // namespace hr
