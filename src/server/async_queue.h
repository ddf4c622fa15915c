#pragma once
// AsyncQueue: Lambda's asynchronous (Event) invocations (spec §4). Invoke accepts an event
// with 202 once it is durable in the StateStore's queue, even when the pool is full; the
// queue then runs it through the same path as a synchronous call (server/invocation.h),
// admitted as an event:
//   - a throttle or a system error puts it back, retried after a back-off that doubles with
//     the event's age from 1 s up to 5 min, until MaximumEventAgeInSeconds (default 6 h);
//   - a function error is retried MaximumRetryAttempts times (default 2), 1 min and then
//     2 min later;
//   - a function with reserved concurrency 0 drops it at once (condition
//     ZeroReservedConcurrency, approximateInvokeCount 0);
//   - a dropped event goes to the OnFailure destination, a successful one to OnSuccess, as
//     the invocation record of spec §4. Lambda-function destinations receive it (as an event);
//     SQS, SNS, EventBridge and S3 destinations are accepted in configuration and not
//     delivered.
// Waits follow the server's clock, so with the manual or scaled clock they pass in seconds.
// After a restart (or kill -9) Restore() schedules every event still in the store.
//
// Thread-safe.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "server/invocation.h"
#include "telemetry/lambda_metrics.h"
#include "server/scheduler.h"
#include "store/state_store.h"

namespace hr::server {

class AsyncQueue {
 public:
  AsyncQueue(store::StateStore& store, Scheduler& scheduler, const Clock& clock);
  // The context events run through. REQUIRES: called once, before Restore and Enqueue.
  void Attach(LambdaContext* context) { context_ = context; }

  // Schedules every event the store holds. Errors: the store's.
  Status Restore();
  // Stores the event (durable when this returns) and schedules it. Errors: the store's.
  Status Enqueue(const InvocationInput& input, Timestamp now);

 private:
  struct Settings;
  bool Labels(const InvocationInput& input, std::uint32_t& owner, telemetry::InvocationLabels& labels) const;
  void ScheduleAt(std::int64_t id, Timestamp when);
  void Process(std::int64_t id);
  // Takes event `id` out of the queue; with a destination, delivers its record there.
  void Finish(const store::QueueItem& item, const std::string& destination,
              const std::string& record);
  void Retry(store::QueueItem item, Timestamp when);

  store::StateStore& store_;
  Scheduler& scheduler_;
  const Clock& clock_;
  LambdaContext* context_ = nullptr;
  std::mutex mutex_;
  std::map<std::int64_t, store::QueueItem> items_;  // guarded by mutex_
};

}  // namespace hr::server
