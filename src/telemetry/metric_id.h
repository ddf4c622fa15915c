#pragma once
// MetricId: what names one CloudWatch metric inside an account and Region: its namespace,
// its name and its dimensions. Two ids name the same metric when all three are equal; the
// dimensions are kept sorted by name so that equality is plain comparison.
//
// Pure; values; any thread.

#include <string>
#include <string_view>
#include <vector>

namespace hr::telemetry {

struct Dimension {
  std::string name;
  std::string value;
  bool operator==(const Dimension&) const = default;
  auto operator<=>(const Dimension&) const = default;
};

struct MetricId {
  std::string ns;    // "AWS/Lambda"
  std::string name;  // "ConcurrentExecutions"
  std::vector<Dimension> dimensions;  // sorted by name (MakeMetricId sorts)

  bool operator==(const MetricId&) const = default;
  auto operator<=>(const MetricId&) const = default;
};

// A MetricId with its dimensions sorted by name.
MetricId MakeMetricId(std::string ns, std::string name, std::vector<Dimension> dimensions = {});

// One string that identifies the metric (for hash maps): namespace, name and dimensions,
// separated by characters CloudWatch does not allow in them.
std::string MetricKey(const MetricId& id);

}  // namespace hr::telemetry
