#include "telemetry/statistic.h"

#include <cmath>
#include <cstdint>

namespace hr::telemetry {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "pNN" / "pNN.N" / "pNN.NN" with NN in 0..100, no sign, no leading zero ("p0" and "p0.5"
// are fine, "p05" is not), one or two decimals: the percentile in hundredths, or -1.
std::int64_t ParsePercentileHundredths(std::string_view digits) {
  std::size_t i = 0;
  std::int64_t whole = 0;
  while (i < digits.size() && IsDigit(digits[i])) {
    if (i == 3) return -1;
    whole = whole * 10 + (digits[i] - '0');
    ++i;
  }
  if (i == 0) return -1;               // "p", "p.5"
  if (i > 1 && digits[0] == '0') return -1;  // "p05"
  std::int64_t hundredths = whole * 100;
  if (i < digits.size()) {
    if (digits[i] != '.') return -1;
    const std::string_view fraction = digits.substr(i + 1);
    if (fraction.empty() || fraction.size() > 2) return -1;  // "p99.", "p99.999"
    std::int64_t scale = 10;
    for (char c : fraction) {
      if (!IsDigit(c)) return -1;
      hundredths += (c - '0') * scale;
      scale /= 10;
    }
  }
  return hundredths <= 100 * 100 ? hundredths : -1;
}

}  // namespace

std::optional<Statistic> ParseStatistic(std::string_view text) {
  if (text == "SampleCount") return Statistic{StatisticKind::kSampleCount};
  if (text == "Average") return Statistic{StatisticKind::kAverage};
  if (text == "Sum") return Statistic{StatisticKind::kSum};
  if (text == "Minimum") return Statistic{StatisticKind::kMinimum};
  if (text == "Maximum") return Statistic{StatisticKind::kMaximum};
  if (text.size() < 2 || text[0] != 'p') return std::nullopt;
  const std::int64_t hundredths = ParsePercentileHundredths(text.substr(1));
  if (hundredths < 0) return std::nullopt;
  return Statistic{StatisticKind::kPercentile, static_cast<double>(hundredths) / 100.0};
}

std::string StatisticName(const Statistic& statistic) {
  switch (statistic.kind) {
    case StatisticKind::kSampleCount: return "SampleCount";
    case StatisticKind::kAverage: return "Average";
    case StatisticKind::kSum: return "Sum";
    case StatisticKind::kMinimum: return "Minimum";
    case StatisticKind::kMaximum: return "Maximum";
    case StatisticKind::kPercentile: break;
  }
  double p = statistic.percentile;
  if (!(p >= 0)) p = 0;  // NaN too
  if (p > 100) p = 100;
  const std::int64_t hundredths = std::llround(p * 100);
  std::string name = "p";
  name += std::to_string(hundredths / 100);
  const std::int64_t fraction = hundredths % 100;
  if (fraction != 0) {
    name += '.';
    name += static_cast<char>('0' + fraction / 10);
    if (fraction % 10 != 0) name += static_cast<char>('0' + fraction % 10);
  }
  return name;
}

}  // namespace hr::telemetry
