#include "telemetry/metric_id.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace hr::telemetry {
namespace {

// Neither is a valid XML 1.0 character, so CloudWatch accepts neither in a namespace, a
// metric name or a dimension's name or value: the key is unambiguous.
constexpr char kUnitSeparator = '\x1f';    // between ns and name, and a dimension's name and value
constexpr char kRecordSeparator = '\x1e';  // before each dimension

void AppendDimension(std::string& key, const Dimension& d) {
  key += kRecordSeparator;
  key += d.name;
  key += kUnitSeparator;
  key += d.value;
}

}  // namespace

MetricId MakeMetricId(std::string ns, std::string name, std::vector<Dimension> dimensions) {
  std::sort(dimensions.begin(), dimensions.end());
  return MetricId{std::move(ns), std::move(name), std::move(dimensions)};
}

std::string MetricKey(const MetricId& id) {
  std::size_t size = id.ns.size() + 1 + id.name.size();
  for (const Dimension& d : id.dimensions) size += 2 + d.name.size() + d.value.size();
  std::string key;
  key.reserve(size);
  key += id.ns;
  key += kUnitSeparator;
  key += id.name;
  const bool sorted = std::is_sorted(
      id.dimensions.begin(), id.dimensions.end(),
      [](const Dimension& a, const Dimension& b) { return a.name < b.name; });
  if (sorted) {
    for (const Dimension& d : id.dimensions) AppendDimension(key, d);
    return key;
  }
  // An id built without MakeMetricId still names the same metric as its sorted twin.
  std::vector<const Dimension*> order;
  order.reserve(id.dimensions.size());
  for (const Dimension& d : id.dimensions) order.push_back(&d);
  std::sort(order.begin(), order.end(),
            [](const Dimension* a, const Dimension* b) { return *a < *b; });
  for (const Dimension* d : order) AppendDimension(key, *d);
  return key;
}

}  // namespace hr::telemetry
