#pragma once
// AlarmRegistry: every CloudWatch metric alarm headroom holds, per account and Region, with
// its state and history. PutMetricAlarm, DescribeAlarms and the other alarm operations
// (server/cloudwatch_alarms.cc) and the evaluator (server/alarm_evaluator.h) share it. The
// decision of what state an alarm is in is telemetry::EvaluateAlarm's; this only keeps it.
//
// Thread-safe: one mutex; With() hands out the account's alarms under it.

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "base/time.h"
#include "telemetry/alarm_evaluation.h"
#include "telemetry/metric_query.h"

namespace hr::server {

struct AlarmHistoryItem {
  Timestamp at;
  std::string type;     // ConfigurationUpdate | StateUpdate | Action
  std::string summary;  // "Alarm updated from INSUFFICIENT_DATA to ALARM"
  std::string data;     // HistoryData: a JSON string
};

struct Alarm {
  std::string name;
  std::string arn;  // arn:aws:cloudwatch:<region>:<account>:alarm:<name>
  boost::json::object config;  // PutMetricAlarm's input, as given
  telemetry::AlarmRule rule;
  std::vector<telemetry::MetricQuery> queries;  // one MetricStat query, or the Metrics
  bool actions_enabled = true;
  std::vector<std::string> ok_actions, alarm_actions, insufficient_data_actions;

  telemetry::AlarmState state = telemetry::AlarmState::kInsufficientData;
  std::string reason = "Unchecked: Initial alarm creation";
  std::string reason_data;
  Timestamp state_updated;
  Timestamp state_transitioned;
  Timestamp configuration_updated;
  Timestamp next_evaluation;
  std::deque<AlarmHistoryItem> history;  // newest last, bounded

  const std::vector<std::string>& ActionsFor(telemetry::AlarmState s) const {
    return s == telemetry::AlarmState::kOk      ? ok_actions
           : s == telemetry::AlarmState::kAlarm ? alarm_actions
                                                : insufficient_data_actions;
  }
  void AddHistory(AlarmHistoryItem item);
};

// One account's alarms, by name (byte order, as DescribeAlarms lists them).
using AlarmTable = std::map<std::string, Alarm, std::less<>>;

class AlarmRegistry {
 public:
  template <typename Fn>
  auto With(const std::string& account, const std::string& region, Fn&& fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    return fn(tables_[{account, region}]);
  }
  // fn(account, region, AlarmTable&) for every account with alarms, under the lock.
  template <typename Fn>
  void ForEach(Fn&& fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [key, table] : tables_) fn(key.first, key.second, table);
  }

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, AlarmTable> tables_;
};

}  // namespace hr::server
