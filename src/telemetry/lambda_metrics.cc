#include "telemetry/lambda_metrics.h"

namespace hr::telemetry {
namespace {

constexpr std::string_view kCount = "Count";
constexpr std::string_view kMilliseconds = "Milliseconds";
constexpr std::string_view kNone = "None";

MetricId Lambda(std::string_view name, std::vector<Dimension> dimensions = {}) {
  return MakeMetricId(std::string(kLambdaNamespace), std::string(name), std::move(dimensions));
}

std::string ResourceOf(std::string_view function, std::string_view qualifier) {
  std::string r(function);
  r += ':';
  r += qualifier;
  return r;
}

// The whole second `t` falls in.
std::int64_t FloorSeconds(Timestamp t) {
  const std::int64_t n = t.unix_nanos();
  return n >= 0 ? n / 1'000'000'000 : -((-n + 999'999'999) / 1'000'000'000);
}

}  // namespace

LambdaMetrics::Owner& LambdaMetrics::OwnerAt(OwnerId owner) {
  auto it = owners_.find(owner);
  if (it != owners_.end()) return it->second;
  Owner& o = owners_[owner];
  o.concurrent.series.id = Lambda(lambda_metric::kConcurrentExecutions);
  o.unreserved.series.id = Lambda(lambda_metric::kUnreservedConcurrentExecutions);
  o.claimed.series.id = Lambda(lambda_metric::kClaimedAccountConcurrency);
  return o;
}

LambdaMetrics::FunctionState& LambdaMetrics::FunctionAt(OwnerId, Owner& o, const std::string& function) {
  auto it = o.functions.find(function);
  if (it != o.functions.end()) return it->second;
  FunctionState& f = o.functions[function];
  f.concurrency.series.id = Lambda(lambda_metric::kConcurrentExecutions, {{lambda_dimension::kFunctionName, function}});
  return f;
}

void LambdaMetrics::Set(OwnerId owner, Gauge& g, std::int64_t value, Timestamp now) {
  const std::int64_t second = FloorSeconds(now);
  if (g.second != second) {
    Flush(owner, g);
    g.second = second;
    g.peak = value;
  } else {
    g.peak = std::max(g.peak, value);
  }
  g.value = value;
}

void LambdaMetrics::Flush(OwnerId owner, Gauge& g) {
  if (g.second == Gauge::kNothingPending) return;
  store_.Record(owner, g.series.id, g.series.handle, Timestamp::FromUnixSeconds(g.second),
                static_cast<double>(g.peak), 1, kCount);
  g.second = Gauge::kNothingPending;
}

void LambdaMetrics::FlushGauges() {
  for (auto& [owner, o] : owners_) {
    for (Gauge* g : {&o.concurrent, &o.unreserved, &o.claimed}) Flush(owner, *g);
    for (auto& [name, f] : o.functions) Flush(owner, f.concurrency);
  }
}

LambdaMetrics::LabelSeries& LambdaMetrics::SeriesFor(OwnerId owner, const InvocationLabels& l) {
  Owner& o = OwnerAt(owner);
  std::string key = l.function;
  key += '\x1f';
  key += l.qualifier;
  key += '\x1f';
  key += l.executed_version;
  key += '\x1f';
  key += l.provisioned_qualifier;
  auto it = o.series.find(key);
  if (it != o.series.end()) return it->second;
  // The dimension sets a count carries (spec §3.6): none, the function, the resource as
  // invoked, and the executed version for an invocation through an alias.
  std::vector<std::vector<Dimension>> sets = {{}, {{lambda_dimension::kFunctionName, l.function}}};
  if (!l.qualifier.empty()) {
    const std::string resource = ResourceOf(l.function, l.qualifier);
    sets.push_back({{lambda_dimension::kFunctionName, l.function}, {lambda_dimension::kResource, resource}});
    if (l.qualifier != l.executed_version) {
      sets.push_back({{lambda_dimension::kExecutedVersion, l.executed_version}, {lambda_dimension::kFunctionName, l.function}, {lambda_dimension::kResource, resource}});
    }
  }
  LabelSeries series;
  auto each = [&](std::string_view name, std::vector<Cached>& out) {
    for (const auto& dims : sets) out.push_back({Lambda(name, dims), {}});
  };
  each(lambda_metric::kInvocations, series.invocations);
  each(lambda_metric::kErrors, series.errors);
  each(lambda_metric::kDuration, series.duration);
  each(lambda_metric::kThrottles, series.throttles);
  each(lambda_metric::kAsyncEventsReceived, series.async_received);
  each(lambda_metric::kAsyncEventAge, series.async_age);
  each(lambda_metric::kAsyncEventsDropped, series.async_dropped);
  if (!l.provisioned_qualifier.empty()) {
    const std::vector<std::vector<Dimension>> pc_sets = {
        {{lambda_dimension::kFunctionName, l.function}},
        {{lambda_dimension::kFunctionName, l.function}, {lambda_dimension::kResource, ResourceOf(l.function, l.provisioned_qualifier)}}};
    for (const auto& dims : pc_sets) {
      series.provisioned_invocations.push_back({Lambda(lambda_metric::kProvisionedConcurrencyInvocations, dims), {}});
      series.spillover_invocations.push_back({Lambda(lambda_metric::kProvisionedConcurrencySpilloverInvocations, dims), {}});
    }
  }
  return o.series.emplace(std::move(key), std::move(series)).first->second;
}

void LambdaMetrics::Add(OwnerId owner, Cached& series, double value, std::string_view unit, Timestamp now) {
  store_.Record(owner, series.id, series.handle, now, value, 1, unit);
}

void LambdaMetrics::Add(OwnerId owner, std::vector<Cached>& series, double value, std::string_view unit,
                        Timestamp now) {
  for (Cached& c : series) Add(owner, c, value, unit, now);
}

void LambdaMetrics::RecordPool(OwnerId owner, Owner& o, Timestamp now) {
  const AccountTotals& t = o.totals;
  Set(owner, o.concurrent, t.concurrent, now);
  Set(owner, o.unreserved, t.pool.unreserved_busy, now);
  Set(owner, o.claimed, t.pool.claimed, now);
}

void LambdaMetrics::RecordResource(OwnerId owner, const std::string& function, const std::string& qualifier,
                                   std::int64_t busy, Timestamp now) {
  store_.Record(owner,
                Lambda(lambda_metric::kConcurrentExecutions,
                       {{lambda_dimension::kFunctionName, function}, {lambda_dimension::kResource, ResourceOf(function, qualifier)}}),
                now, static_cast<double>(busy), 1, kCount);
}

void LambdaMetrics::RecordProvisioned(OwnerId owner, const std::string& function,
                                      const std::string& qualifier, std::int64_t busy,
                                      std::int32_t allocated, Timestamp now) {
  std::vector<Dimension> dims{{lambda_dimension::kFunctionName, function}, {lambda_dimension::kResource, ResourceOf(function, qualifier)}};
  store_.Record(owner, Lambda(lambda_metric::kProvisionedConcurrentExecutions, dims), now, static_cast<double>(busy), 1, kCount);
  if (busy > 0 && allocated > 0) {  // not emitted when idle
    store_.Record(owner, Lambda(lambda_metric::kProvisionedConcurrencyUtilization, std::move(dims)), now,
                  static_cast<double>(busy) / allocated, 1, kNone);
  }
}

void LambdaMetrics::Started(OwnerId owner, const InvocationLabels& l, bool provisioned, bool spillover,
                            const PoolGauges& pool, Timestamp now) {
  Owner& o = OwnerAt(owner);
  o.totals.pool = pool;
  ++o.totals.concurrent;
  FunctionState& state = FunctionAt(owner, o, l.function);
  FunctionTotals& f = state.totals;
  ++f.concurrent;
  LabelSeries& series = SeriesFor(owner, l);
  RecordPool(owner, o, now);
  Set(owner, state.concurrency, f.concurrent, now);
  if (!l.qualifier.empty()) {
    std::int64_t& busy = o.resources[{l.function, l.qualifier}];
    RecordResource(owner, l.function, l.qualifier, ++busy, now);
  }
  if (!l.provisioned_qualifier.empty()) {
    if (provisioned) {
      ++f.provisioned_concurrent;
      auto& [busy, allocated] = o.provisioned[{l.function, l.provisioned_qualifier}];
      allocated = l.provisioned_allocated;
      RecordProvisioned(owner, l.function, l.provisioned_qualifier, ++busy, allocated, now);
      Add(owner, series.provisioned_invocations, 1, kCount, now);
    } else if (spillover) {
      Add(owner, series.spillover_invocations, 1, kCount, now);
    }
  }
}

void LambdaMetrics::Finished(OwnerId owner, const InvocationLabels& l, bool provisioned, Duration duration,
                             bool error, const PoolGauges& pool, Timestamp now) {
  Owner& o = OwnerAt(owner);
  o.totals.pool = pool;
  --o.totals.concurrent;
  ++o.totals.invocations;
  FunctionState& state = FunctionAt(owner, o, l.function);
  FunctionTotals& f = state.totals;
  --f.concurrent;
  ++f.invocations;
  const double ms = static_cast<double>(duration.nanos()) / 1e6;
  f.duration_ms_sum += ms;
  LabelSeries& series = SeriesFor(owner, l);
  Add(owner, series.invocations, 1, kCount, now);
  Add(owner, series.errors, error ? 1 : 0, kCount, now);
  Add(owner, series.duration, ms, kMilliseconds, now);
  if (error) {
    ++f.errors;
    ++o.totals.errors;
  }
  RecordPool(owner, o, now);
  Set(owner, state.concurrency, f.concurrent, now);
  if (!l.qualifier.empty()) {
    std::int64_t& busy = o.resources[{l.function, l.qualifier}];
    RecordResource(owner, l.function, l.qualifier, --busy, now);
  }
  if (provisioned && !l.provisioned_qualifier.empty()) {
    --f.provisioned_concurrent;
    auto& [busy, allocated] = o.provisioned[{l.function, l.provisioned_qualifier}];
    RecordProvisioned(owner, l.function, l.provisioned_qualifier, --busy, allocated, now);
  }
}

void LambdaMetrics::Throttled(OwnerId owner, const InvocationLabels& l, Timestamp now) {
  Owner& o = OwnerAt(owner);
  ++o.totals.throttles;
  ++FunctionAt(owner, o, l.function).totals.throttles;
  Add(owner, SeriesFor(owner, l).throttles, 1, kCount, now);
}

void LambdaMetrics::AsyncReceived(OwnerId owner, const InvocationLabels& l, Timestamp now) {
  ++OwnerAt(owner).totals.async_received;
  Add(owner, SeriesFor(owner, l).async_received, 1, kCount, now);
}

void LambdaMetrics::AsyncAttempted(OwnerId owner, const InvocationLabels& l, Duration age, Timestamp now) {
  Add(owner, SeriesFor(owner, l).async_age, static_cast<double>(age.nanos()) / 1e6, kMilliseconds, now);
}

void LambdaMetrics::AsyncDropped(OwnerId owner, const InvocationLabels& l, Timestamp now) {
  ++OwnerAt(owner).totals.async_dropped;
  Add(owner, SeriesFor(owner, l).async_dropped, 1, kCount, now);
}

void LambdaMetrics::Sample(OwnerId owner, const PoolGauges& pool, Timestamp now) {
  Owner& o = OwnerAt(owner);
  o.totals.pool = pool;
  RecordPool(owner, o, now);
  for (auto& [name, f] : o.functions) {
    // A busy function's level every second; an idle one's last change is already pending.
    if (f.totals.concurrent > 0) Set(owner, f.concurrency, f.totals.concurrent, now);
  }
  for (auto it = o.resources.begin(); it != o.resources.end();) {
    RecordResource(owner, it->first.first, it->first.second, it->second, now);
    it = it->second == 0 ? o.resources.erase(it) : std::next(it);  // a last 0, then quiet
  }
  for (auto it = o.provisioned.begin(); it != o.provisioned.end();) {
    const auto& [busy, allocated] = it->second;
    RecordProvisioned(owner, it->first.first, it->first.second, busy, allocated, now);
    it = busy == 0 ? o.provisioned.erase(it) : std::next(it);
  }
}

const AccountTotals* LambdaMetrics::Account(OwnerId owner) const {
  auto it = owners_.find(owner);
  return it == owners_.end() ? nullptr : &it->second.totals;
}

void LambdaMetrics::ForEachFunction(
    OwnerId owner, const std::function<void(const std::string&, const FunctionTotals&)>& fn) const {
  auto it = owners_.find(owner);
  if (it == owners_.end()) return;
  for (const auto& [name, state] : it->second.functions) fn(name, state.totals);
}

}  // namespace hr::telemetry
