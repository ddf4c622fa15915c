#include "telemetry/metric_store.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <unordered_map>
#include <utility>

namespace hr::telemetry {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::int64_t kSecondsPerMinute = 60;
constexpr std::int64_t kNanosPerMinute = kSecondsPerMinute * kNanosPerSecond;

// REQUIRES: b > 0.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}
std::int64_t CeilDiv(std::int64_t a, std::int64_t b) { return FloorDiv(a, b) + (a % b != 0); }

constexpr std::int64_t kMinNanos = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxNanos = std::numeric_limits<std::int64_t>::max();

// The percentile histogram's buckets are log-scale (DDSketch's mapping, floored): a positive
// value v lands in bucket i = floor(log_gamma(v)), i.e. [gamma^i, gamma^(i+1)). Any point of
// a bucket is within kRelativeAccuracy of its harmonic midpoint 2 gamma^(i+1) / (gamma + 1).
// Zero has a bucket of its own. Every finite positive double fits: |i| < 37,300.
constexpr double kRelativeAccuracy = 0.01;
constexpr double kGamma = (1 + kRelativeAccuracy) / (1 - kRelativeAccuracy);  // ~1.0202
constexpr std::int32_t kIndexOffset = 40'000;  // keeps the keys of positive values > 0
constexpr std::int32_t kZeroKey = 0;
// A histogram holding only this key is "unavailable": a sample that CloudWatch cannot draw
// percentiles from went into its bucket.
constexpr std::int32_t kUnavailableKey = std::numeric_limits<std::int32_t>::min();

const double kLogGamma = std::log(kGamma);

// REQUIRES: value >= 0 and finite.
std::int32_t HistogramKey(double value) {
  if (value == 0) return kZeroKey;
  return static_cast<std::int32_t>(std::floor(std::log(value) / kLogGamma)) + kIndexOffset;
}

// The value standing for bucket `key` in a period whose samples lie in [minimum, maximum]:
// the harmonic midpoint of the bucket's part of that range, so within kRelativeAccuracy of
// every sample in the bucket, and exact when that part is one value (a period of one value,
// zero, or a maximum of 1, which is a bucket's lower bound).
double HistogramValue(std::int32_t key, double minimum, double maximum) {
  if (key == kZeroKey) return 0;
  const double lower = std::exp(static_cast<double>(key - kIndexOffset) * kLogGamma);
  const double a = std::max(lower, minimum);
  const double b = std::min(lower * kGamma, maximum);
  if (!(a < b)) return std::clamp(a, minimum, maximum);  // one value, or rounding
  return std::clamp(2 / (1 / a + 1 / b), a, b);
}

// The histogram's counts: float in second buckets (exact to 2^24 samples of one value in one
// second, and half the memory), double in minute buckets.
template <typename Count>
struct HistogramEntry {
  std::int32_t key;
  Count count;
};
using MergedEntry = HistogramEntry<double>;

// A sparse histogram: (key, count) sorted by key. Values of one series in one second or
// minute usually fall in a handful of buckets, so a sorted vector beats a map.
template <typename Count>
class SparseHistogram {
 public:
  using Entry = HistogramEntry<Count>;

  void Add(std::int32_t key, double count) {
    if (unavailable()) return;
    // Consecutive samples often repeat a value (Invocations is always 1).
    if (!entries_.empty() && entries_.back().key == key) {
      entries_.back().count += static_cast<Count>(count);
      return;
    }
    auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                               [](const Entry& e, std::int32_t k) { return e.key < k; });
    if (it != entries_.end() && it->key == key) {
      it->count += static_cast<Count>(count);
    } else {
      entries_.insert(it, Entry{key, static_cast<Count>(count)});
    }
  }
  void MakeUnavailable() {
    if (unavailable()) return;
    entries_.clear();
    entries_.shrink_to_fit();
    entries_.push_back(Entry{kUnavailableKey, 0});
  }
  // Gives back the vector's spare capacity once the bucket stops growing.
  void Seal() { entries_.shrink_to_fit(); }
  bool unavailable() const { return !entries_.empty() && entries_.front().key == kUnavailableKey; }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

// One second's or one minute's samples of one series.
template <typename Count>
struct Bucket {
  explicit Bucket(std::int64_t start_second) : start(start_second) {}

  std::int64_t start;  // unix seconds (a multiple of 60 for a minute bucket)
  double count = 0;
  double sum = 0;
  double minimum = std::numeric_limits<double>::infinity();
  double maximum = -std::numeric_limits<double>::infinity();
  SparseHistogram<Count> histogram;

  void Add(double value, double n, std::int32_t key, bool percentile_ok) {
    count += n;
    sum += value * n;
    minimum = std::min(minimum, value);
    maximum = std::max(maximum, value);
    if (percentile_ok) {
      histogram.Add(key, n);
    } else {
      histogram.MakeUnavailable();
    }
  }
  void AddSet(const SampleSet& set) {
    count += set.count;
    sum += set.sum;
    minimum = std::min(minimum, set.minimum);
    maximum = std::max(maximum, set.maximum);
    histogram.MakeUnavailable();
  }
};
using SecondBucket = Bucket<float>;
using MinuteBucket = Bucket<double>;

// The bucket starting at `start`, created in order when missing. Samples nearly always
// arrive in time order, so the common cases are the last bucket and a new last bucket.
template <typename B>
B& BucketAt(std::deque<B>& buckets, std::int64_t start) {
  if (buckets.empty()) return buckets.emplace_back(start);
  if (buckets.back().start == start) return buckets.back();
  if (buckets.back().start < start) {
    buckets.back().histogram.Seal();
    return buckets.emplace_back(start);
  }
  auto it = std::lower_bound(buckets.begin(), buckets.end(), start,
                             [](const B& b, std::int64_t s) { return b.start < s; });
  if (it != buckets.end() && it->start == start) return *it;
  return *buckets.emplace(it, start);
}

struct Series {
  Series(const MetricId& metric, std::string_view unit_name, Timestamp at)
      : id(metric), unit(unit_name), latest(at) {}

  MetricId id;
  std::string unit;
  Timestamp latest;  // the newest sample's timestamp
  std::deque<SecondBucket> seconds;
  std::deque<MinuteBucket> minutes;
};

// What one period's buckets add up to.
struct PeriodAccumulator {
  double count = 0;
  double sum = 0;
  double minimum = std::numeric_limits<double>::infinity();
  double maximum = -std::numeric_limits<double>::infinity();
  bool percentiles_unavailable = false;
  int histograms = 0;
  std::vector<MergedEntry> merged;  // every bucket's entries, sorted by Histogram()

  void Reset() {
    count = 0;
    sum = 0;
    minimum = std::numeric_limits<double>::infinity();
    maximum = -std::numeric_limits<double>::infinity();
    percentiles_unavailable = false;
    histograms = 0;
    merged.clear();
  }

  template <typename B>
  void Add(const B& b, bool want_histogram) {
    count += b.count;
    sum += b.sum;
    minimum = std::min(minimum, b.minimum);
    maximum = std::max(maximum, b.maximum);
    if (!want_histogram || percentiles_unavailable) return;
    if (b.histogram.unavailable() || b.histogram.entries().empty()) {
      percentiles_unavailable = true;
      return;
    }
    ++histograms;
    for (const auto& e : b.histogram.entries()) {
      merged.push_back(MergedEntry{e.key, static_cast<double>(e.count)});
    }
  }

  // The period's histogram, sorted by key (one bucket's already is).
  std::span<const MergedEntry> Histogram() {
    if (histograms > 1) {
      std::sort(merged.begin(), merged.end(),
                [](const MergedEntry& a, const MergedEntry& b) { return a.key < b.key; });
    }
    return merged;
  }

  double Percentile(std::span<const MergedEntry> histogram, double p) const {
    if (percentiles_unavailable || histogram.empty()) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    if (p <= 0) return minimum;
    if (p >= 100) return maximum;
    double total = 0;
    for (const MergedEntry& e : histogram) total += e.count;
    // Nearest rank: the smallest value with at least p% of the samples at or below it. The
    // slack keeps 0.07 * 100 from becoming rank 7.000000000000001.
    const double rank = p / 100 * total - 1e-9 * total;
    double seen = 0;
    std::size_t i = 0;
    for (; i + 1 < histogram.size(); ++i) {
      seen += histogram[i].count;
      if (seen >= rank) break;
    }
    return HistogramValue(histogram[i].key, minimum, maximum);
  }
};

double StatisticValue(const Statistic& statistic, const PeriodAccumulator& acc,
                      std::span<const MergedEntry> histogram) {
  switch (statistic.kind) {
    case StatisticKind::kSampleCount: return acc.count;
    case StatisticKind::kAverage: return acc.sum / acc.count;
    case StatisticKind::kSum: return acc.sum;
    case StatisticKind::kMinimum: return acc.minimum;
    case StatisticKind::kMaximum: return acc.maximum;
    case StatisticKind::kPercentile: return acc.Percentile(histogram, statistic.percentile);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

// CloudWatch draws percentiles from a statistic set only when it is `count` copies of one
// value (Min == Max and Sum == Min x SampleCount).
bool SetIsSingleValue(const SampleSet& set) {
  if (set.minimum != set.maximum) return false;
  const double expected = set.minimum * set.count;
  return std::fabs(set.sum - expected) <= 1e-9 * std::max(1.0, std::fabs(expected));
}

// One MultiDatapoint per period of `period_nanos` that holds buckets starting in
// [first, limit) (nanoseconds since the epoch, `first` a period start).
template <typename B>
std::vector<MultiDatapoint> Aggregate(const std::deque<B>& buckets, std::int64_t first,
                                      std::int64_t limit, std::int64_t period_nanos,
                                      std::span<const Statistic> statistics) {
  std::vector<MultiDatapoint> out;
  bool want_histogram = false;
  for (const Statistic& s : statistics) {
    want_histogram = want_histogram || s.kind == StatisticKind::kPercentile;
  }
  // The first bucket whose start is at or after `first` (seconds, rounded up).
  auto it = std::lower_bound(buckets.begin(), buckets.end(), CeilDiv(first, kNanosPerSecond),
                             [](const B& b, std::int64_t s) { return b.start < s; });
  PeriodAccumulator acc;
  std::int64_t current = 0;
  bool open = false;
  auto emit = [&] {
    std::span<const MergedEntry> histogram;
    if (want_histogram) histogram = acc.Histogram();
    MultiDatapoint m{Timestamp::FromUnixNanos(current), {}, acc.count};
    m.values.reserve(statistics.size());
    for (const Statistic& s : statistics) m.values.push_back(StatisticValue(s, acc, histogram));
    out.push_back(std::move(m));
  };
  for (; it != buckets.end(); ++it) {
    const std::int64_t at = it->start * kNanosPerSecond;
    if (at >= limit) break;
    const std::int64_t period_start = FloorDiv(at, period_nanos) * period_nanos;
    if (open && period_start != current) {
      emit();
      acc.Reset();
    }
    current = period_start;
    open = true;
    acc.Add(*it, want_histogram);
  }
  if (open) emit();
  return out;
}

}  // namespace

struct MetricStore::Impl {
  explicit Impl(MetricStoreOptions o) : options(o) {}

  struct Owner {
    std::unordered_map<std::string, Series> series;  // by MetricKey
  };

  MetricStoreOptions options;
  std::unordered_map<OwnerId, Owner> owners;
  std::size_t series_count = 0;
  std::uint64_t dropped_samples = 0;
  std::uint64_t epoch = 1;  // bumped whenever a series is dropped (SeriesHandle)

  // The series, created with `unit` when new; nullptr (and the sample counted as dropped)
  // when it is new and the store is full.
  Series* FindOrCreate(OwnerId owner, const MetricId& id, std::string_view unit, Timestamp at) {
    std::string key = MetricKey(id);
    Owner& o = owners[owner];
    auto it = o.series.find(key);
    if (it != o.series.end()) return &it->second;
    if (series_count >= options.max_series) {
      ++dropped_samples;
      if (o.series.empty()) owners.erase(owner);
      return nullptr;
    }
    ++series_count;
    return &o.series.try_emplace(std::move(key), id, unit, at).first->second;
  }

  const Series* Find(OwnerId owner, const MetricId& id) const {
    auto o = owners.find(owner);
    if (o == owners.end()) return nullptr;
    auto it = o->second.series.find(MetricKey(id));
    return it == o->second.series.end() ? nullptr : &it->second;
  }
};

MetricStore::MetricStore(MetricStoreOptions options) : impl_(std::make_unique<Impl>(options)) {}

MetricStore::~MetricStore() = default;

void MetricStore::Record(OwnerId owner, const MetricId& id, Timestamp at, double value,
                         double count, std::string_view unit) {
  SeriesHandle handle;
  Record(owner, id, handle, at, value, count, unit);
}

void MetricStore::Record(OwnerId owner, const MetricId& id, SeriesHandle& handle, Timestamp at,
                         double value, double count, std::string_view unit) {
  if (!std::isfinite(value) || !std::isfinite(count) || !(count > 0)) return;
  if (handle.series == nullptr || handle.epoch != impl_->epoch) {
    handle.series = impl_->FindOrCreate(owner, id, unit, at);
    handle.epoch = impl_->epoch;
  }
  auto* series = static_cast<Series*>(handle.series);
  if (series == nullptr) return;
  series->latest = std::max(series->latest, at);
  const std::int64_t second = FloorDiv(at.unix_nanos(), kNanosPerSecond);
  const std::int64_t minute = FloorDiv(second, kSecondsPerMinute) * kSecondsPerMinute;
  // CloudWatch has no percentiles for negative values.
  const bool percentile_ok = value >= 0;
  const std::int32_t key = percentile_ok ? HistogramKey(value) : kZeroKey;
  BucketAt(series->seconds, second).Add(value, count, key, percentile_ok);
  BucketAt(series->minutes, minute).Add(value, count, key, percentile_ok);
}

void MetricStore::RecordSet(OwnerId owner, const MetricId& id, Timestamp at, const SampleSet& set,
                            std::string_view unit) {
  if (!std::isfinite(set.count) || !std::isfinite(set.sum) || !std::isfinite(set.minimum) ||
      !std::isfinite(set.maximum) || !(set.count > 0) || set.minimum > set.maximum) {
    return;
  }
  if (SetIsSingleValue(set)) {
    Record(owner, id, at, set.minimum, set.count, unit);
    return;
  }
  Series* series = impl_->FindOrCreate(owner, id, unit, at);
  if (series == nullptr) return;
  series->latest = std::max(series->latest, at);
  const std::int64_t second = FloorDiv(at.unix_nanos(), kNanosPerSecond);
  const std::int64_t minute = FloorDiv(second, kSecondsPerMinute) * kSecondsPerMinute;
  BucketAt(series->seconds, second).AddSet(set);
  BucketAt(series->minutes, minute).AddSet(set);
}

std::vector<Datapoint> MetricStore::Query(OwnerId owner, const MetricId& id, Timestamp start,
                                          Timestamp end, Duration period,
                                          const Statistic& statistic,
                                          std::optional<std::string_view> unit) const {
  std::vector<Datapoint> out;
  for (MultiDatapoint& m : QueryStatistics(owner, id, start, end, period,
                                           std::span<const Statistic>(&statistic, 1), unit)) {
    if (std::isnan(m.values[0])) continue;  // a percentile the period cannot give
    out.push_back(Datapoint{m.at, m.values[0], m.sample_count});
  }
  return out;
}

std::vector<MultiDatapoint> MetricStore::QueryStatistics(
    OwnerId owner, const MetricId& id, Timestamp start, Timestamp end, Duration period,
    std::span<const Statistic> statistics, std::optional<std::string_view> unit) const {
  const Series* series = impl_->Find(owner, id);
  if (series == nullptr || period <= Duration::Zero()) return {};
  if (unit.has_value() && *unit != series->unit) return {};

  const std::int64_t p = period.nanos();
  // Saturating, so that Timestamp's extremes can stand for "from the start" and "to the end".
  const std::int64_t first_period = FloorDiv(start.unix_nanos(), p);
  const std::int64_t first = first_period < kMinNanos / p ? kMinNanos : first_period * p;
  if (first >= end.unix_nanos()) return {};
  // Every bucket of the last period that starts before `end` counts, so the buckets read
  // run up to that period's end.
  const std::int64_t last_period = FloorDiv(end.unix_nanos() - 1, p);
  const std::int64_t limit = last_period >= kMaxNanos / p ? kMaxNanos : (last_period + 1) * p;
  if (p % kNanosPerMinute == 0) {
    return Aggregate(series->minutes, first, limit, p, statistics);
  }
  return Aggregate(series->seconds, first, limit, p, statistics);
}

std::vector<MetricId> MetricStore::List(OwnerId owner, std::string_view ns, std::string_view name,
                                        std::span<const Dimension> filter,
                                        Timestamp active_since) const {
  std::vector<MetricId> out;
  auto o = impl_->owners.find(owner);
  if (o == impl_->owners.end()) return out;
  for (const auto& [unused_key, series] : o->second.series) {
    const MetricId& id = series.id;
    if (series.latest < active_since) continue;
    if (!ns.empty() && id.ns != ns) continue;
    if (!name.empty() && id.name != name) continue;
    auto has = [&](const Dimension& f) {
      return std::any_of(id.dimensions.begin(), id.dimensions.end(), [&](const Dimension& d) {
        return d.name == f.name && (f.value.empty() || d.value == f.value);
      });
    };
    if (std::all_of(filter.begin(), filter.end(), has)) out.push_back(id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<std::string> MetricStore::UnitOf(OwnerId owner, const MetricId& id) const {
  const Series* series = impl_->Find(owner, id);
  if (series == nullptr) return std::nullopt;
  return series->unit;
}

void MetricStore::Trim(Timestamp now) {
  // A bucket goes once all of it is older than its retention.
  const std::int64_t seconds_cutoff = (now - impl_->options.high_resolution_retention).unix_nanos();
  const std::int64_t minutes_cutoff = (now - impl_->options.retention).unix_nanos();
  for (auto o = impl_->owners.begin(); o != impl_->owners.end();) {
    auto& all = o->second.series;
    for (auto s = all.begin(); s != all.end();) {
      Series& series = s->second;
      while (!series.seconds.empty() &&
             (series.seconds.front().start + 1) * kNanosPerSecond <= seconds_cutoff) {
        series.seconds.pop_front();
      }
      while (!series.minutes.empty() &&
             (series.minutes.front().start + kSecondsPerMinute) * kNanosPerSecond <=
                 minutes_cutoff) {
        series.minutes.pop_front();
      }
      if (series.seconds.empty() && series.minutes.empty()) {
        s = all.erase(s);
        --impl_->series_count;
        ++impl_->epoch;
      } else {
        ++s;
      }
    }
    o = all.empty() ? impl_->owners.erase(o) : std::next(o);
  }
}

std::size_t MetricStore::series_count() const { return impl_->series_count; }

std::uint64_t MetricStore::dropped_samples() const { return impl_->dropped_samples; }

}  // namespace hr::telemetry
