#pragma once
// MetricStore: every datapoint headroom keeps, for every account and Region, and the
// statistics CloudWatch computes from them.
//
// Samples are kept in per-second buckets (count, sum, min, max and a compact histogram for
// percentiles) for `high_resolution_retention`, and rolled up into per-minute buckets kept
// for `retention`; a query for a period of 60 s or a multiple of it reads the minute
// buckets, a shorter period reads the second buckets. Periods start at whole multiples of
// the period since the epoch, as CloudWatch aligns them. Memory is bounded by the
// retentions and by `max_series` (a sample for a new series beyond it is dropped and
// counted in dropped_samples()).
//
// Pure: no I/O, no clock; `now` and `at` come from the caller. Not thread-safe: the server
// holds it under a mutex; the simulator and the tests own theirs.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "telemetry/metric_id.h"
#include "telemetry/statistic.h"

namespace hr::telemetry {

// Whose metrics: the caller's index for one (account, Region). Owners never see each
// other's series.
using OwnerId = std::uint32_t;

struct MetricStoreOptions {
  Duration high_resolution_retention = Duration::Hours(3);
  Duration retention = Duration::Hours(24);
  std::size_t max_series = 200'000;
};

// What PutMetricData's StatisticValues carries: a pre-aggregated set of samples.
struct SampleSet {
  double count = 0;
  double sum = 0;
  double minimum = 0;
  double maximum = 0;
};

struct Datapoint {
  Timestamp at;  // the period's start
  double value = 0;
  double sample_count = 0;
};

// GetMetricStatistics: several statistics of one period.
struct MultiDatapoint {
  Timestamp at;
  std::vector<double> values;  // one per requested statistic, in request order
  double sample_count = 0;
};

// Remembers where a series lives, so that recording it again skips the lookup (the Lambda
// recorder records the same few series on every invocation). Filled in by Record; valid
// until Trim drops a series (Trim bumps the store's epoch and the handle looks up again).
struct SeriesHandle {
  void* series = nullptr;
  std::uint64_t epoch = 0;
};

class MetricStore {
 public:
  explicit MetricStore(MetricStoreOptions options = {});
  ~MetricStore();
  MetricStore(const MetricStore&) = delete;
  MetricStore& operator=(const MetricStore&) = delete;

  // One sample (`count` copies of `value`, as PutMetricData's Values/Counts) at `at`.
  // `unit` is CloudWatch's unit name ("Count", "Milliseconds", "None"); the first unit
  // recorded for a series is its unit.
  void Record(OwnerId owner, const MetricId& id, Timestamp at, double value, double count = 1,
              std::string_view unit = "None");
  // The same, through `handle` (which must only ever be used with this owner and id).
  void Record(OwnerId owner, const MetricId& id, SeriesHandle& handle, Timestamp at, double value,
              double count = 1, std::string_view unit = "None");
  // A pre-aggregated sample set (no percentiles can be drawn from it).
  void RecordSet(OwnerId owner, const MetricId& id, Timestamp at, const SampleSet& set,
                 std::string_view unit = "None");

  // One datapoint per period that holds samples, ascending, for periods starting in
  // [start rounded down to the period, end). `unit`, when set, must match the series' unit
  // or nothing is returned (CloudWatch does not convert units). REQUIRES: period > 0.
  // Percentiles are nearest-rank, within 1% of the true sample (exact for p0, p100, zero
  // and a period of one value). As in CloudWatch, a period has none when it holds a negative
  // value or a RecordSet that is not `count` copies of one value (Min == Max, Sum == Min x
  // SampleCount; such a set counts as that many samples): Query omits the period,
  // QueryStatistics gives NaN for that statistic.
  std::vector<Datapoint> Query(OwnerId owner, const MetricId& id, Timestamp start,
                               Timestamp end, Duration period, const Statistic& statistic,
                               std::optional<std::string_view> unit = std::nullopt) const;
  std::vector<MultiDatapoint> QueryStatistics(
      OwnerId owner, const MetricId& id, Timestamp start, Timestamp end, Duration period,
      std::span<const Statistic> statistics,
      std::optional<std::string_view> unit = std::nullopt) const;

  // The owner's metrics with a sample at or after `active_since`, sorted by id. An empty
  // `ns` or `name` matches any; every filter dimension must be present, with its value
  // unless the filter's value is empty.
  std::vector<MetricId> List(OwnerId owner, std::string_view ns, std::string_view name,
                             std::span<const Dimension> filter, Timestamp active_since) const;

  // The series' unit, or nullopt when the series does not exist.
  std::optional<std::string> UnitOf(OwnerId owner, const MetricId& id) const;

  // Drops buckets older than the retentions (relative to `now`) and series left empty.
  void Trim(Timestamp now);

  std::size_t series_count() const;
  std::uint64_t dropped_samples() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hr::telemetry
