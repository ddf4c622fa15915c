#pragma once
// Simulation: runs a Workload through the pure engine (engine::Engine, engine::Account — the
// same Admit/Release/ReclaimIdleEnvironments the server calls, never a copy of a rule) in
// virtual time, through an EventQueue, and collects what happened: throttles by function
// and Reason, cold starts, provisioned-concurrency use and spillover, the pool's peaks, when
// each alarm changed state, and the quota increases the policy requested.
//
// Virtual time starts at the Unix epoch and ends at Workload::length; invocations still
// running then are not finished. Every simulated second ends with a SecondSample, handed to
// `on_second` (the timeline writers) and to the metric store the alarms read.
//
// Deterministic: the same workload and seed give the same events, in the same order, and
// the same results, on every run and platform (sim/random.h). The hot path (an arrival, its
// admission, its finish) allocates nothing and touches no string.
//
// Who calls it: the `simulate` command, tests and bench/. Single-threaded, but for the trace
// reader's parser (sim/trace_reader.h).

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/throttle_reason.h"
#include "engine/engine.h"
#include "sim/arrivals.h"
#include "sim/event_queue.h"
#include "sim/lowest_free_slots.h"
#include "sim/metric_feed.h"
#include "sim/poisson_mix.h"
#include "sim/second_sample.h"
#include "sim/trace_reader.h"
#include "sim/workload.h"
#include "telemetry/alarm_evaluation.h"
#include "telemetry/metric_store.h"

namespace hr::sim {

inline constexpr std::size_t kReasonCount = 7;  // ThrottleReason values, kNone included

struct FunctionResult {
  std::string name;
  std::optional<std::int64_t> reserved;
  std::int64_t provisioned = 0;        // Allocated of the config serving the invoked qualifier
  std::string invoked;                 // the qualifier the traffic invoked ("" = unqualified)
  std::uint64_t requests = 0;          // arrivals
  std::uint64_t admitted = 0;
  std::uint64_t throttled = 0;
  std::array<std::uint64_t, kReasonCount> throttles_by_reason{};  // by ThrottleReason
  std::uint64_t cold_starts = 0;
  std::uint64_t warm_starts = 0;
  std::uint64_t provisioned_starts = 0;
  std::uint64_t spillover = 0;
  std::uint64_t timeouts = 0;
  std::int64_t peak_concurrency = 0;
  std::int64_t peak_provisioned_busy = 0;
  double provisioned_utilisation_sum = 0;  // Σ over seconds of peak PC busy / Allocated
};

struct AlarmTransition {
  std::int64_t at_second = 0;
  telemetry::AlarmState from = telemetry::AlarmState::kInsufficientData;
  telemetry::AlarmState to = telemetry::AlarmState::kInsufficientData;
  std::string reason;
};

struct AlarmResult {
  std::string name;
  std::vector<AlarmTransition> transitions;
};

struct QuotaChange {
  std::int64_t requested_at_second = 0;
  std::int64_t approved_at_second = -1;  // -1: not approved before the end
  std::int64_t from = 0;
  std::int64_t to = 0;
};

struct SimulationResult {
  std::int64_t seconds = 0;  // simulated
  std::uint64_t seed = 0;
  std::int64_t limit_start = 0;
  std::int64_t limit_end = 0;
  std::int64_t unreserved_minimum = 0;
  std::int64_t allocated = 0;  // Σ RC + Σ PC of functions without RC, at the start
  std::uint64_t requests = 0;
  std::uint64_t admitted = 0;
  std::uint64_t throttled = 0;
  std::array<std::uint64_t, kReasonCount> throttles_by_reason{};
  std::uint64_t cold_starts = 0;
  std::int64_t peak_claimed = 0;
  std::int64_t peak_claimed_second = 0;
  std::int64_t peak_claimed_limit = 0;  // the limit in force then
  std::int64_t peak_concurrent = 0;
  std::int64_t peak_unreserved_busy = 0;
  std::vector<FunctionResult> functions;  // in workload order
  std::vector<AlarmResult> alarms;        // in workload order
  std::vector<QuotaChange> quota_changes;
  std::uint64_t events = 0;  // processed by the queue
};

struct SimulationOptions {
  // Called once per simulated second, in order.
  std::function<void(const SecondSample&)> on_second;
  // Called once per simulated second with the fraction of simulated time done.
  std::function<void(double)> progress;
};

class Simulation {
 public:
  // Builds the account and its functions in the engine from `workload` (which must outlive
  // the simulation). Errors: kValidation "<source>:<line>:<col>: function 'x': <the
  // engine's message>" when a setting breaks a rule (e.g. RC above the unreserved pool); the
  // metric feed's errors; the trace's open error.
  static StatusOr<std::unique_ptr<Simulation>> Create(const Workload& workload, SimulationOptions options = {});
  ~Simulation();

  // Runs to the end. Errors: a bad trace line ("trace.csv:12: unknown function 'x'").
  Status Run();
  const SimulationResult& result() const { return result_; }

 private:
  struct FunctionState {
    engine::InvokeTarget target;
    const Distribution* duration = nullptr;
    const Distribution* init = nullptr;
    std::int64_t timeout = -1;  // ns; -1: none
    std::int64_t provisioned_allocated = 0;
    std::int64_t busy = 0;
    std::int64_t provisioned_busy = 0;
    Rng rng{0};
  };
  struct Source {
    ArrivalGenerator generator;
    std::uint32_t function;
  };
  struct alignas(64) Running {  // one cache line
    core::Grant grant;
    std::uint32_t function = 0;
    bool reuse = true;
  };
  struct AlarmState {
    const AlarmSpec* spec;
    telemetry::AlarmState state = telemetry::AlarmState::kInsufficientData;
    Timestamp next;
  };

  Simulation(const Workload& workload, SimulationOptions options);
  Status Build();
  // The mix's and the trace's next arrivals into mix_next_ and trace_next_ (kNever at the
  // end). False on a bad trace line.
  void NextFromMix();
  bool NextFromTrace();
  void Arrive(std::uint32_t function, std::int64_t now, std::int64_t duration);
  void Finish(std::uint32_t slot, std::int64_t now);
  void Tick(std::int64_t now);
  void EvaluateAlarms(Timestamp now);
  telemetry::AlarmEvaluation Evaluate(const AlarmState& alarm, Timestamp now) const;
  void OnAlarm(const AlarmState& alarm, std::int64_t now);

  const Workload& workload_;
  SimulationOptions options_;
  engine::Engine engine_;
  engine::Account* account_ = nullptr;
  EventQueue queue_;
  std::vector<FunctionState> functions_;
  std::vector<FunctionSecond> second_;  // this second, by function
  std::vector<Source> sources_;  // each has its next arrival queued
  // The Poisson mix and the trace give arrivals in time order by themselves: their next
  // arrivals wait outside the queue, as events ordered after the sources'.
  std::optional<PoissonMix> mix_;
  Event mix_next_;
  std::uint32_t mix_function_ = 0;
  std::unique_ptr<TraceReader> trace_;
  TraceRecord trace_record_;
  Event trace_next_;
  std::vector<Running> running_;
  LowestFreeSlots free_running_;  // which slots of running_ are free
  // This second's account-wide numbers.
  std::int64_t busy_ = 0;
  std::int64_t peak_busy_ = 0;
  std::int64_t peak_claimed_ = 0;
  std::int64_t peak_unreserved_busy_ = 0;

  telemetry::MetricStore store_;
  std::optional<MetricFeed> feed_;
  std::vector<AlarmState> alarms_;
  bool quota_pending_ = false;
  SimulationResult result_;
};

}  // namespace hr::sim
