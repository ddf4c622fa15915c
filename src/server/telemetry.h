#pragma once
// Telemetry: the server's one metric store and its Lambda metrics recorder, shared by every
// thread under one mutex (each call holds it for microseconds). GetMetricData, alarms, the
// dashboard and /metrics all read this store; the invocation path and the async queue write
// it. `enabled` false turns the recording off (bench/: the cost of recording).
//
// Thread-safe.

#include <mutex>
#include <utility>

#include "telemetry/lambda_metrics.h"
#include "telemetry/metric_store.h"

namespace hr::server {

class Telemetry {
 public:
  Telemetry(telemetry::MetricStoreOptions options, bool enabled)
      : store_(options), lambda_(store_), enabled_(enabled) {}

  bool enabled() const { return enabled_; }

  // Runs fn(LambdaMetrics&) under the lock (nothing when recording is off).
  template <typename Fn>
  void Record(Fn&& fn) {
    if (!enabled_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    fn(lambda_);
  }
  // Runs fn(MetricStore&, const LambdaMetrics&) under the lock, once the gauges' pending
  // peaks are in the store, and returns its result.
  template <typename Fn>
  auto Read(Fn&& fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    lambda_.FlushGauges();
    return fn(store_, static_cast<const telemetry::LambdaMetrics&>(lambda_));
  }
  // Runs fn(MetricStore&) under the lock: PutMetricData and retention.
  template <typename Fn>
  auto Write(Fn&& fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    return fn(store_);
  }

 private:
  std::mutex mutex_;
  telemetry::MetricStore store_;
  telemetry::LambdaMetrics lambda_;
  const bool enabled_;
};

}  // namespace hr::server
