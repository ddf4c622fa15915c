#pragma once
// OnDemandEnvironments: the idle, warm on-demand execution environments of one function
// version, and the keep-alive rule that reclaims them.
//
// Busy environments are not held here: an environment leaves on admission (a warm start)
// and comes back on release. The newest idle environment is reused first (it is the
// warmest); the oldest is reclaimed first. An environment idle for `keep_alive` or longer is
// expired and is never handed out again.
//
// Pure; not thread-safe (owned by one account's state).

#include <cstddef>
#include <optional>
#include <vector>

#include "base/time.h"
#include "core/events.h"

namespace hr::core {

class OnDemandEnvironments {
 public:
  // The most recently idled environment if it is still warm at `now`. Otherwise every idle
  // environment has expired: each is passed to `on_reclaim` and nullopt is returned.
  template <typename OnReclaim>
  std::optional<EnvironmentId> TakeWarm(Timestamp now, Duration keep_alive, OnReclaim&& on_reclaim) {
    if (head_ == idle_.size()) return std::nullopt;
    const IdleEnvironment& newest = idle_.back();
    if (newest.since + keep_alive > now) {
      EnvironmentId id = newest.id;
      idle_.pop_back();
      Compact();
      return id;
    }
    ReclaimAll(on_reclaim);
    return std::nullopt;
  }

  void PutIdle(EnvironmentId id, Timestamp now) { idle_.push_back({id, now}); }

  // Reclaims every environment idle for `keep_alive` or longer.
  template <typename OnReclaim>
  void ReclaimExpired(Timestamp now, Duration keep_alive, OnReclaim&& on_reclaim) {
    while (head_ < idle_.size() && idle_[head_].since + keep_alive <= now) {
      on_reclaim(idle_[head_].id);
      ++head_;
    }
    Compact();
  }

  template <typename OnReclaim>
  void ReclaimAll(OnReclaim&& on_reclaim) {
    for (std::size_t i = head_; i < idle_.size(); ++i) on_reclaim(idle_[i].id);
    idle_.clear();
    head_ = 0;
  }

  std::size_t idle_count() const { return idle_.size() - head_; }

 private:
  struct IdleEnvironment {
    EnvironmentId id;
    Timestamp since;
  };
  // Drops the reclaimed prefix once it is at least half the storage.
  void Compact() {
    if (head_ == idle_.size()) {
      idle_.clear();
      head_ = 0;
    } else if (head_ > 16 && head_ * 2 >= idle_.size()) {
      idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

  std::vector<IdleEnvironment> idle_;  // [head_, end) ordered by `since`, oldest first
  std::size_t head_ = 0;
};

}  // namespace hr::core
