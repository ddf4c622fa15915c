#pragma once
// The per-second timeline, in two forms:
//   - TimelineCsv writes timeline.csv as the simulation runs (one row per simulated second,
//     so it never holds the timeline in memory): second, limit, claimed, unreserved,
//     unreserved_busy, concurrent, invocations, throttles, then each function's concurrency.
//     Gauges are each second's peak.
//   - TimelineChart keeps a bounded summary for the report's charts: at most `max_points`
//     buckets; when full, neighbouring buckets merge (peaks by maximum, counts by sum) and
//     each bucket spans twice as many seconds. Memory does not grow with simulated time.
//
// Who calls them: the `simulate` command feeds both from SimulationOptions::on_second; the
// report writers (sim/report.h) read TimelineChart. Not thread-safe.

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "base/status.h"
#include "sim/second_sample.h"

namespace hr::sim {

class TimelineCsv {
 public:
  TimelineCsv() = default;
  ~TimelineCsv();
  TimelineCsv(const TimelineCsv&) = delete;
  TimelineCsv& operator=(const TimelineCsv&) = delete;

  // Creates `path` and writes the header. Errors: kInternal "cannot write <path>: ...".
  Status Open(const std::string& path, const std::vector<std::string>& function_names);
  void Add(const SecondSample& sample);
  // Flushes and closes. Errors: a failed write.
  Status Close();

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
  std::string line_;  // reused for every row
  bool failed_ = false;
};

struct ChartPoint {
  std::int64_t second = 0;  // the bucket's first second
  std::int64_t limit = 0;   // peak
  std::int64_t claimed = 0; // peak
  std::int64_t concurrent = 0;  // peak
  std::int64_t throttles = 0;   // sum
  std::int64_t invocations = 0; // sum
};

class TimelineChart {
 public:
  explicit TimelineChart(std::size_t max_points = 1024) : max_points_(max_points) {}
  void Add(const SecondSample& sample);
  const std::vector<ChartPoint>& points() const { return points_; }
  std::int64_t seconds_per_point() const { return width_; }

 private:
  std::size_t max_points_;
  std::int64_t width_ = 1;  // seconds per bucket
  std::vector<ChartPoint> points_;
};

}  // namespace hr::sim
