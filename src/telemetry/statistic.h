#pragma once
// Statistic: how the datapoints of one period are summarised (CloudWatch's Stat): the five
// standard statistics and percentiles pNN / pNN.NN.
//
// Pure; values; any thread.

#include <optional>
#include <string>
#include <string_view>

namespace hr::telemetry {

enum class StatisticKind { kSampleCount, kAverage, kSum, kMinimum, kMaximum, kPercentile };

struct Statistic {
  StatisticKind kind = StatisticKind::kMaximum;
  double percentile = 0;  // kPercentile: in [0, 100]

  bool operator==(const Statistic&) const = default;
};

// "Maximum", "Minimum", "Sum", "Average", "SampleCount", "p99", "p99.9", "p0", "p100";
// nullopt for anything else (CloudWatch's other extended statistics are not supported).
std::optional<Statistic> ParseStatistic(std::string_view text);

// As CloudWatch spells it: "Maximum", "p99", "p99.9".
std::string StatisticName(const Statistic& statistic);

}  // namespace hr::telemetry
