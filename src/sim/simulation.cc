#include "sim/simulation.h"

#include <algorithm>
#include <cmath>

#include "engine/string_map.h"
#include "telemetry/alarm_queries.h"
#include "telemetry/lambda_metrics.h"
#include "telemetry/metric_query.h"
#include "telemetry/store_queries.h"

namespace hr::sim {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr telemetry::OwnerId kOwner = 0;

Timestamp At(std::int64_t nanos) { return Timestamp::FromUnixNanos(nanos); }

core::Tunables TunablesOf(const Workload& w) {
  core::Tunables t;
  t.account_concurrency_limit = w.limit;
  t.unreserved_minimum = w.unreserved_minimum;
  t.keep_alive = w.keep_alive;
  return t;
}

bool IsVersionNumber(std::string_view q) {
  return !q.empty() && q.size() < 10 && std::all_of(q.begin(), q.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Simulation::Simulation(const Workload& workload, SimulationOptions options)
    : workload_(workload),
      options_(std::move(options)),
      engine_(TunablesOf(workload)),
      store_(telemetry::MetricStoreOptions{Duration::Hours(3), Duration::Hours(24), 100'000}) {}

Simulation::~Simulation() = default;

StatusOr<std::unique_ptr<Simulation>> Simulation::Create(const Workload& workload, SimulationOptions options) {
  std::unique_ptr<Simulation> sim(new Simulation(workload, std::move(options)));
  HR_RETURN_IF_ERROR(sim->Build());
  return sim;
}

Status Simulation::Build() {
  const Workload& w = workload_;
  const Timestamp t0 = At(0);
  account_ = &engine_.AccountFor(w.account_id, w.region, t0);
  result_.seed = w.seed;
  result_.seconds = (w.length.nanos() + kSecond - 1) / kSecond;
  functions_.resize(w.functions.size());
  second_.resize(w.functions.size());
  for (std::size_t i = 0; i < w.functions.size(); ++i) {
    const FunctionSpec& spec = w.functions[i];
    auto fail = [&](const Status& s) {
      return Status(ErrorCode::kValidation, w.source + ":" + std::to_string(spec.mark.line) + ":" +
                                                std::to_string(spec.mark.column) + ": function '" + spec.name +
                                                "': " + s.message());
    };
    engine::FunctionConfig config;
    config.handler = "headroom.simulated";
    if (spec.timeout) {
      config.timeout = static_cast<std::int32_t>(std::clamp<std::int64_t>(spec.timeout->nanos() / kSecond, 1, 900));
    }
    if (auto created = account_->CreateFunction(spec.name, t0, config); !created.ok()) return fail(created.status());
    if (spec.reserved) {
      if (auto s = account_->PutFunctionConcurrency(spec.name, *spec.reserved, t0); !s.ok()) return fail(s.status());
    }
    std::uint32_t published = 0;
    for (const ProvisionedSpec& pc : spec.provisioned) {
      if (IsVersionNumber(pc.qualifier)) {
        const auto wanted = static_cast<std::uint32_t>(std::stoul(pc.qualifier));
        while (published < wanted) {
          auto v = account_->PublishVersion(spec.name, t0);
          if (!v.ok()) return fail(v.status());
          published = *v;
        }
      } else {
        if (published == 0) {
          auto v = account_->PublishVersion(spec.name, t0);
          if (!v.ok()) return fail(v.status());
          published = *v;
        }
        if (auto s = account_->CreateAlias(spec.name, pc.qualifier, std::to_string(published), t0); !s.ok()) {
          return fail(s);
        }
      }
      auto view = account_->PutProvisionedConcurrencyConfig(spec.name, pc.qualifier, pc.count, t0);
      if (!view.ok()) return fail(view.status());
      // The simulator initialises provisioned environments at once: READY from the start.
      if (auto s = account_->CompleteProvisioning(view->ticket, true, "", t0); !s.ok()) return fail(s);
    }
    std::string invoke = spec.invoke;
    if (invoke.empty() && !spec.provisioned.empty()) invoke = spec.provisioned.front().qualifier;
    std::optional<std::string_view> qualifier;
    if (!invoke.empty() && invoke != "$LATEST") qualifier = invoke;
    auto target = account_->ResolveInvokeTarget(spec.name, qualifier);
    if (!target.ok()) return fail(target.status());
    FunctionState& f = functions_[i];
    f.target = *target;
    f.duration = &spec.duration;
    f.init = &spec.init;
    f.timeout = spec.timeout ? spec.timeout->nanos() : -1;
    if (auto pc = account_->ProvisionedFor(f.target)) f.provisioned_allocated = pc->allocated;
    f.rng = Rng::Split(w.seed, 1'000'000 + i);
    FunctionResult r;
    r.name = spec.name;
    r.reserved = spec.reserved;
    r.provisioned = f.provisioned_allocated;
    r.invoked = qualifier ? std::string(*qualifier) : "";
    result_.functions.push_back(std::move(r));
  }
  const engine::PoolView pool = account_->Pool();
  result_.limit_start = result_.limit_end = pool.limit;
  result_.unreserved_minimum = pool.unreserved_minimum;
  result_.allocated = pool.allocated;

  // Arrival sources: the Poisson and step entries in one mix, each other entry with its own
  // generator and its next arrival queued; the trace.
  std::vector<PoissonMix::Member> mixed;
  std::uint64_t stream = 0;
  for (std::size_t i = 0; i < w.functions.size(); ++i) {
    for (const ArrivalProcess& p : w.functions[i].traffic) {
      if (PoissonMix::Mixes(p)) {
        mixed.push_back({&p, static_cast<std::uint32_t>(i)});
      } else {
        sources_.push_back({ArrivalGenerator(p, Rng::Split(w.seed, stream++)), static_cast<std::uint32_t>(i)});
      }
    }
  }
  for (std::uint32_t s = 0; s < sources_.size(); ++s) {
    const std::int64_t t = sources_[s].generator.Next();
    if (t < w.length.nanos()) queue_.Push(t, EventKind::kArrival, s);
  }
  const auto source_count = static_cast<std::uint32_t>(sources_.size());
  mix_.emplace(std::move(mixed), Rng::Split(w.seed, 2'000'000));
  mix_next_.order = EventQueue::OrderOf(EventKind::kArrival, source_count);
  NextFromMix();
  trace_next_ = {kNever, EventQueue::OrderOf(EventKind::kArrival, source_count + 1)};
  if (w.trace) {
    trace_ = std::make_unique<TraceReader>();
    engine::StringMap<std::int64_t> index;
    for (std::size_t i = 0; i < w.functions.size(); ++i) index[w.functions[i].name] = static_cast<std::int64_t>(i);
    HR_RETURN_IF_ERROR(trace_->Open(w.trace->path, [index = std::move(index)](std::string_view name) -> std::int64_t {
      auto it = index.find(name);
      return it == index.end() ? -1 : it->second;
    }));
    if (!NextFromTrace()) return trace_->status();
  }

  auto feed = MetricFeed::For(w);
  if (!feed.ok()) return feed.status();
  feed_ = std::move(*feed);
  for (const AlarmSpec& a : w.alarms) {
    alarms_.push_back({&a, telemetry::AlarmState::kInsufficientData,
                       telemetry::NextEvaluation(a.rule.period, t0)});
    result_.alarms.push_back({a.name, {}});
  }
  queue_.Push(kSecond, EventKind::kTick, 0);
  return Status::Ok();
}

void Simulation::NextFromMix() {
  const PoissonMix::Arrival a = mix_->Next();
  mix_next_.at = a.at < workload_.length.nanos() ? a.at : kNever;
  mix_function_ = a.function;
}

bool Simulation::NextFromTrace() {
  if (trace_->Next(trace_record_) && trace_record_.at < workload_.length.nanos()) {
    trace_next_.at = trace_record_.at;
  } else {
    trace_next_.at = kNever;
  }
  return trace_->status().ok();
}

void Simulation::Arrive(std::uint32_t function, std::int64_t now, std::int64_t duration) {
  // Counts go to this second's (Tick adds them to the totals), so an arrival touches little.
  FunctionState& f = functions_[function];
  FunctionSecond& second = second_[function];
  const core::AdmissionDecision d = account_->Admit(f.target, /*synchronous=*/true, At(now));
  if (!d.admitted()) [[unlikely]] {
    ++result_.functions[function].throttles_by_reason[static_cast<std::size_t>(d.throttle)];
    ++second.throttles;
    return;
  }
  ++second.invocations;
  std::int64_t run = duration >= 0 ? duration : f.duration->Sample(f.rng).nanos();
  switch (d.grant.start) {
    case core::StartKind::kProvisioned:
      ++second.provisioned_invocations;
      second.provisioned_busy = std::max(second.provisioned_busy, ++f.provisioned_busy);
      break;
    case core::StartKind::kWarm:
      break;
    case core::StartKind::kCold:
      ++second.cold_starts;
      run += f.init->Sample(f.rng).nanos();
      break;
  }
  if (d.grant.spillover) ++second.spillover;
  second.concurrency = std::max(second.concurrency, ++f.busy);
  peak_busy_ = std::max(peak_busy_, ++busy_);
  // The pool's numbers are read in full only when this admission raised the second's peak.
  if (account_->UnreservedBusy() > peak_unreserved_busy_) {
    const engine::PoolView pool = account_->Pool();
    peak_claimed_ = std::max(peak_claimed_, pool.claimed);
    peak_unreserved_busy_ = std::max(peak_unreserved_busy_, pool.unreserved_busy);
  }
  bool reuse = true;
  if (f.timeout >= 0 && run > f.timeout) {
    run = f.timeout;
    reuse = false;  // a timed-out environment is not reused
    ++result_.functions[function].timeouts;
  }
  const std::uint32_t slot = free_running_.Take();
  if (slot == running_.size()) running_.emplace_back();
  Running& running = running_[slot];  // field by field: an aggregate copy stalls store forwarding
  running.grant = d.grant;
  running.function = function;
  running.reuse = reuse;
  queue_.Push(now + run, EventKind::kFinish, slot);
}

void Simulation::Finish(std::uint32_t slot, std::int64_t now) {
  const Running& r = running_[slot];
  FunctionState& f = functions_[r.function];
  account_->Release(r.grant, At(now), r.reuse);
  --f.busy;
  --busy_;
  if (r.grant.start == core::StartKind::kProvisioned) --f.provisioned_busy;
  free_running_.Give(slot);
}

void Simulation::Tick(std::int64_t now) {
  const Timestamp t = At(now);
  account_->ReclaimIdleEnvironments(t);
  const engine::PoolView pool = account_->Pool();
  SecondSample s;
  s.second = (now - 1) / kSecond;  // the second this tick closes
  s.limit = pool.limit;
  s.claimed = std::max(peak_claimed_, pool.claimed);
  s.unreserved = pool.unreserved;
  s.unreserved_busy = std::max(peak_unreserved_busy_, pool.unreserved_busy);
  s.concurrent = peak_busy_;
  s.functions = second_;
  if (s.claimed > result_.peak_claimed) {
    result_.peak_claimed = s.claimed;
    result_.peak_claimed_second = s.second;
    result_.peak_claimed_limit = s.limit;
  }
  result_.peak_concurrent = std::max(result_.peak_concurrent, s.concurrent);
  result_.peak_unreserved_busy = std::max(result_.peak_unreserved_busy, s.unreserved_busy);
  for (std::size_t i = 0; i < second_.size(); ++i) {
    const FunctionSecond& f = second_[i];
    s.invocations += f.invocations;
    s.throttles += f.throttles;
    FunctionResult& r = result_.functions[i];
    r.requests += static_cast<std::uint64_t>(f.invocations + f.throttles);
    r.admitted += static_cast<std::uint64_t>(f.invocations);
    r.throttled += static_cast<std::uint64_t>(f.throttles);
    r.cold_starts += static_cast<std::uint64_t>(f.cold_starts);
    r.provisioned_starts += static_cast<std::uint64_t>(f.provisioned_invocations);
    r.warm_starts += static_cast<std::uint64_t>(f.invocations - f.cold_starts - f.provisioned_invocations);
    r.spillover += static_cast<std::uint64_t>(f.spillover);
    r.peak_concurrency = std::max(r.peak_concurrency, f.concurrency);
    r.peak_provisioned_busy = std::max(r.peak_provisioned_busy, f.provisioned_busy);
    if (functions_[i].provisioned_allocated > 0) {
      r.provisioned_utilisation_sum +=
          static_cast<double>(f.provisioned_busy) / static_cast<double>(functions_[i].provisioned_allocated);
    }
  }
  feed_->Record(store_, kOwner, s);
  if (options_.on_second) options_.on_second(s);
  // The next second starts from the current levels.
  for (std::size_t i = 0; i < second_.size(); ++i) {
    second_[i] = FunctionSecond{};
    second_[i].concurrency = functions_[i].busy;
    second_[i].provisioned_busy = functions_[i].provisioned_busy;
  }
  peak_busy_ = busy_;
  peak_claimed_ = pool.claimed;
  peak_unreserved_busy_ = pool.unreserved_busy;
  EvaluateAlarms(t);
  if ((now / kSecond) % 600 == 0) store_.Trim(t);
  if (options_.progress) options_.progress(static_cast<double>(now) / static_cast<double>(workload_.length.nanos()));
}

telemetry::AlarmEvaluation Simulation::Evaluate(const AlarmState& alarm, Timestamp now) const {
  const double quota = static_cast<double>(account_->Pool().limit);
  return telemetry::EvaluateAlarmQueries(
      alarm.spec->rule, alarm.state, alarm.spec->queries,
      [&](std::span<const telemetry::MetricQuery> queries, Timestamp start, Timestamp end) {
        return telemetry::EvaluateStoreQueries(store_, kOwner, queries, start, end, quota);
      },
      now);
}

void Simulation::EvaluateAlarms(Timestamp now) {
  for (std::size_t i = 0; i < alarms_.size(); ++i) {
    AlarmState& a = alarms_[i];
    if (a.next > now) continue;
    a.next = telemetry::NextEvaluation(a.spec->rule.period, now);
    const telemetry::AlarmEvaluation e = Evaluate(a, now);
    if (e.state == a.state) continue;
    result_.alarms[i].transitions.push_back({now.unix_seconds(), a.state, e.state, e.reason});
    a.state = e.state;
    if (a.state == telemetry::AlarmState::kAlarm) OnAlarm(a, now.unix_nanos());
  }
}

void Simulation::OnAlarm(const AlarmState& alarm, std::int64_t now) {
  const auto& policy = workload_.quota_policy;
  if (!policy || policy->alarm != alarm.spec->name || quota_pending_) return;
  const std::int64_t from = account_->Pool().limit;
  std::int64_t to = static_cast<std::int64_t>(std::ceil(static_cast<double>(from) * policy->factor));
  if (policy->maximum) to = std::min(to, *policy->maximum);
  if (to <= from) return;
  quota_pending_ = true;
  result_.quota_changes.push_back({now / kSecond, -1, from, to});
  queue_.Push(now + policy->delay.nanos(), EventKind::kControl,
              static_cast<std::uint32_t>(result_.quota_changes.size() - 1));
}

Status Simulation::Run() {
  const std::int64_t end = workload_.length.nanos();
  std::uint64_t events = 0;
  std::uint64_t buckets_entered = 0;
  while (!queue_.empty()) {
    // The earliest of the mix's next arrival, the trace's and the queue's next event.
    const bool from_mix = mix_next_ < trace_next_;
    const Event& outside = from_mix ? mix_next_ : trace_next_;
    if (!queue_.Reaches(outside.at) || outside < queue_.Top()) {
      ++events;
      const Event e = outside;
      if (from_mix) {
        const std::uint32_t function = mix_function_;
        NextFromMix();
        Arrive(function, e.at, -1);
      } else {
        const TraceRecord record = trace_record_;
        if (!NextFromTrace()) return trace_->status();
        Arrive(record.function, e.at, record.duration);
      }
      continue;
    }
    const Event e = queue_.Top();
    if (e.at > end) break;
    ++events;
    // A finish reads a random slot of the running table: fetch the next bucket's slots now.
    if (queue_.buckets_entered() != buckets_entered) {
      buckets_entered = queue_.buckets_entered();
      for (const std::uint64_t soon : queue_.NextBucket()) {
        if (EventQueue::KindOfKey(soon) == EventKind::kFinish) __builtin_prefetch(&running_[EventQueue::IndexOfKey(soon)]);
      }
    }
    if (e.kind() == EventKind::kArrival) {
      // The source's next arrival replaces this one in the queue (one sift instead of two).
      Source& s = sources_[e.index()];
      const std::int64_t next = s.generator.Next();
      if (next < end) {
        queue_.ReplaceTop(next, EventKind::kArrival, e.index());
      } else {
        queue_.Pop();
      }
      Arrive(s.function, e.at, -1);
      continue;
    }
    queue_.Pop();
    switch (e.kind()) {
      case EventKind::kArrival:
        break;  // handled above
      case EventKind::kFinish:
        Finish(e.index(), e.at);
        break;
      case EventKind::kControl: {
        QuotaChange& q = result_.quota_changes[e.index()];
        account_->SetConcurrencyLimit(q.to, At(e.at));
        q.approved_at_second = e.at / kSecond;
        quota_pending_ = false;
        break;
      }
      case EventKind::kTick:
        Tick(e.at);
        if (e.at < end) queue_.Push(std::min(e.at + kSecond, end), EventKind::kTick, 0);
        break;
    }
    if (e.kind() == EventKind::kTick && e.at >= end) break;
  }
  result_.events = events;
  result_.limit_end = account_->Pool().limit;
  for (const FunctionResult& f : result_.functions) {
    result_.requests += f.requests;
    result_.admitted += f.admitted;
    result_.throttled += f.throttled;
    result_.cold_starts += f.cold_starts;
    for (std::size_t k = 0; k < kReasonCount; ++k) result_.throttles_by_reason[k] += f.throttles_by_reason[k];
  }
  return Status::Ok();
}

}  // namespace hr::sim
