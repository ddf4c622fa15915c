#pragma once
// AlarmEvaluator: evaluates every alarm on the server's clock — every minute for periods of
// 60 s or more, every 10 s for shorter ones, and at the first 10 s tick after PutMetricAlarm — through
// telemetry::EvaluateAlarm on the datapoints the metric store holds, and carries out the
// actions of each transition (and of SetAlarmState):
//   - a Lambda action becomes an async Invoke with CloudWatch's alarm event (spec §6.5), if
//     the function's resource policy allows lambda.alarms.cloudwatch.amazonaws.com (with its
//     SourceArn / SourceAccount conditions); a denied, missing or throttled (RC 0) function
//     is recorded in the alarm's history instead;
//   - an SNS action publishes CloudWatch's alarm notification to the topic.
// Actions run only on transitions, never again while the state holds. Transitions are
// journaled (method "ALARM"), so a restart neither forgets a state nor fires it twice.
//
// Thread-safe; evaluation runs on the scheduler's thread.

#include <mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "server/account_registry.h"
#include "server/alarm_registry.h"
#include "server/async_queue.h"
#include "server/journal.h"
#include "server/scheduler.h"
#include "server/sns_service.h"
#include "server/telemetry.h"

namespace hr::server {

class AlarmEvaluator {
 public:
  AlarmEvaluator(AlarmRegistry& alarms, Telemetry& telemetry, AccountRegistry& registry, AsyncQueue& async,
                 SnsService& sns, Scheduler& scheduler, const Clock& clock, Journal* journal,
                 std::mutex& write_mutex)
      : alarms_(alarms), telemetry_(telemetry), registry_(registry), async_(async), sns_(sns),
        scheduler_(scheduler), clock_(clock), journal_(journal), write_mutex_(write_mutex) {}

  // Starts the evaluation ticks.
  void Start();

  // A state change the caller decided (SetAlarmState): updates `alarm` and its history and
  // returns what to run. REQUIRES: the registry's lock is held (inside AlarmRegistry::With).
  struct PendingAction {
    std::string account, region, alarm_name, arn, payload, subject, message;
  };
  std::vector<PendingAction> ChangeState(const std::string& account, const std::string& region, Alarm& alarm,
                                         telemetry::AlarmState state, std::string reason,
                                         std::string reason_data, Timestamp now);
  // Runs actions (outside the registry's lock) and records each outcome in the history.
  void Run(std::vector<PendingAction> actions);

  // Evaluates the alarms that are due at `now`.
  void EvaluateDue(Timestamp now);

  // Replays a journaled transition: the state, without actions.
  void Replay(const JournalEntry& entry);

 private:
  void ScheduleTick();
  // The evaluation of one alarm at `now` (reads the metric store).
  telemetry::AlarmEvaluation Evaluate(const std::string& account, const std::string& region, const Alarm& alarm,
                                      Timestamp now);
  void JournalTransition(const std::string& account, const std::string& region, const Alarm& alarm, Timestamp now);
  void RecordAction(const PendingAction& action, bool ok, const std::string& detail);
  // The Lambda action's outcome: "" when queued, else why not.
  std::string InvokeLambda(const PendingAction& action);

  AlarmRegistry& alarms_;
  Telemetry& telemetry_;
  AccountRegistry& registry_;
  AsyncQueue& async_;
  SnsService& sns_;
  Scheduler& scheduler_;
  const Clock& clock_;
  Journal* journal_;
  std::mutex& write_mutex_;
};

// The alarm event a Lambda action receives (spec §6.5).
std::string AlarmLambdaEvent(const std::string& account, const std::string& region, const Alarm& alarm,
                             telemetry::AlarmState previous, const std::string& previous_reason,
                             const std::string& previous_reason_data, Timestamp previous_at, Timestamp now);

}  // namespace hr::server
