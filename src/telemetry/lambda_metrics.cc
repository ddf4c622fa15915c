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

}  // namespace

LambdaMetrics::Owner& LambdaMetrics::OwnerAt(OwnerId owner) { return owners_[owner]; }

void LambdaMetrics::Count(OwnerId owner, std::string_view name, const InvocationLabels& l,
                          double value, std::string_view unit, Timestamp now) {
  store_.Record(owner, Lambda(name), now, value, 1, unit);
  store_.Record(owner, Lambda(name, {{"FunctionName", l.function}}), now, value, 1, unit);
  if (l.qualifier.empty()) return;
  const std::string resource = ResourceOf(l.function, l.qualifier);
  store_.Record(owner, Lambda(name, {{"FunctionName", l.function}, {"Resource", resource}}), now,
                value, 1, unit);
  if (l.qualifier != l.executed_version) {  // through an alias
    store_.Record(owner,
                  Lambda(name, {{"ExecutedVersion", l.executed_version},
                                {"FunctionName", l.function},
                                {"Resource", resource}}),
                  now, value, 1, unit);
  }
}

void LambdaMetrics::RecordPool(OwnerId owner, const Owner& o, Timestamp now) {
  const AccountTotals& t = o.totals;
  store_.Record(owner, Lambda("ConcurrentExecutions"), now, static_cast<double>(t.concurrent), 1, kCount);
  store_.Record(owner, Lambda("UnreservedConcurrentExecutions"), now,
                static_cast<double>(t.pool.unreserved_busy), 1, kCount);
  store_.Record(owner, Lambda("ClaimedAccountConcurrency"), now, static_cast<double>(t.pool.claimed), 1, kCount);
}

void LambdaMetrics::RecordFunction(OwnerId owner, const std::string& function, const FunctionTotals& t,
                                   Timestamp now) {
  store_.Record(owner, Lambda("ConcurrentExecutions", {{"FunctionName", function}}), now,
                static_cast<double>(t.concurrent), 1, kCount);
}

void LambdaMetrics::RecordResource(OwnerId owner, const std::string& function, const std::string& qualifier,
                                   std::int64_t busy, Timestamp now) {
  store_.Record(owner,
                Lambda("ConcurrentExecutions",
                       {{"FunctionName", function}, {"Resource", ResourceOf(function, qualifier)}}),
                now, static_cast<double>(busy), 1, kCount);
}

void LambdaMetrics::RecordProvisioned(OwnerId owner, const std::string& function,
                                      const std::string& qualifier, std::int64_t busy,
                                      std::int32_t allocated, Timestamp now) {
  std::vector<Dimension> dims{{"FunctionName", function}, {"Resource", ResourceOf(function, qualifier)}};
  store_.Record(owner, Lambda("ProvisionedConcurrentExecutions", dims), now, static_cast<double>(busy), 1, kCount);
  if (busy > 0 && allocated > 0) {  // not emitted when idle
    store_.Record(owner, Lambda("ProvisionedConcurrencyUtilization", std::move(dims)), now,
                  static_cast<double>(busy) / allocated, 1, kNone);
  }
}

void LambdaMetrics::Started(OwnerId owner, const InvocationLabels& l, bool provisioned, bool spillover,
                            const PoolGauges& pool, Timestamp now) {
  Owner& o = OwnerAt(owner);
  o.totals.pool = pool;
  ++o.totals.concurrent;
  FunctionTotals& f = o.functions[l.function];
  ++f.concurrent;
  RecordPool(owner, o, now);
  RecordFunction(owner, l.function, f, now);
  if (!l.qualifier.empty()) {
    std::int64_t& busy = o.resources[{l.function, l.qualifier}];
    RecordResource(owner, l.function, l.qualifier, ++busy, now);
  }
  if (!l.provisioned_qualifier.empty()) {
    const std::vector<Dimension> dims{{"FunctionName", l.function},
                                      {"Resource", ResourceOf(l.function, l.provisioned_qualifier)}};
    if (provisioned) {
      ++f.provisioned_concurrent;
      auto& [busy, allocated] = o.provisioned[{l.function, l.provisioned_qualifier}];
      allocated = l.provisioned_allocated;
      RecordProvisioned(owner, l.function, l.provisioned_qualifier, ++busy, allocated, now);
      store_.Record(owner, Lambda("ProvisionedConcurrencyInvocations", dims), now, 1, 1, kCount);
      store_.Record(owner, Lambda("ProvisionedConcurrencyInvocations", {{"FunctionName", l.function}}), now, 1, 1, kCount);
    } else if (spillover) {
      store_.Record(owner, Lambda("ProvisionedConcurrencySpilloverInvocations", dims), now, 1, 1, kCount);
      store_.Record(owner, Lambda("ProvisionedConcurrencySpilloverInvocations", {{"FunctionName", l.function}}),
                    now, 1, 1, kCount);
    }
  }
}

void LambdaMetrics::Finished(OwnerId owner, const InvocationLabels& l, bool provisioned, Duration duration,
                             bool error, const PoolGauges& pool, Timestamp now) {
  Owner& o = OwnerAt(owner);
  o.totals.pool = pool;
  --o.totals.concurrent;
  ++o.totals.invocations;
  FunctionTotals& f = o.functions[l.function];
  --f.concurrent;
  ++f.invocations;
  const double ms = static_cast<double>(duration.nanos()) / 1e6;
  f.duration_ms_sum += ms;
  Count(owner, "Invocations", l, 1, kCount, now);
  Count(owner, "Errors", l, error ? 1 : 0, kCount, now);
  Count(owner, "Duration", l, ms, kMilliseconds, now);
  if (error) {
    ++f.errors;
    ++o.totals.errors;
  }
  RecordPool(owner, o, now);
  RecordFunction(owner, l.function, f, now);
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
  ++o.functions[l.function].throttles;
  Count(owner, "Throttles", l, 1, kCount, now);
}

void LambdaMetrics::AsyncReceived(OwnerId owner, const InvocationLabels& l, Timestamp now) {
  ++OwnerAt(owner).totals.async_received;
  Count(owner, "AsyncEventsReceived", l, 1, kCount, now);
}

void LambdaMetrics::AsyncAttempted(OwnerId owner, const InvocationLabels& l, Duration age, Timestamp now) {
  Count(owner, "AsyncEventAge", l, static_cast<double>(age.nanos()) / 1e6, kMilliseconds, now);
}

void LambdaMetrics::AsyncDropped(OwnerId owner, const InvocationLabels& l, Timestamp now) {
  ++OwnerAt(owner).totals.async_dropped;
  Count(owner, "AsyncEventsDropped", l, 1, kCount, now);
}

void LambdaMetrics::Sample(OwnerId owner, const PoolGauges& pool, Timestamp now) {
  Owner& o = OwnerAt(owner);
  o.totals.pool = pool;
  RecordPool(owner, o, now);
  for (const auto& [name, f] : o.functions) {
    if (f.concurrent > 0) RecordFunction(owner, name, f, now);
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
  for (const auto& [name, totals] : it->second.functions) fn(name, totals);
}

}  // namespace hr::telemetry
