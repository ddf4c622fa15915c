#pragma once
// SpecialFloat: how the AWS JSON protocols spell the doubles JSON cannot hold. Smithy's JSON
// protocols (awsJson1_0, awsJson1_1, restJson1) send NaN, +infinity and -infinity as the JSON
// strings "NaN", "Infinity" and "-Infinity" (boto3 1.43 does, so does the JavaScript SDK).
// The shape validator accepts them for a double or float member without a range, and the
// server's JSON readers read them as the number; a handler then refuses them as AWS does where
// AWS refuses them (CloudWatch's PutMetricData).
// Pure; any thread.

#include <limits>
#include <optional>
#include <string_view>

namespace hr::wire {

// The double `text` spells, if it is one of the three strings (case-sensitive, as Smithy's).
inline std::optional<double> SpecialFloat(std::string_view text) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  return std::nullopt;
}

}  // namespace hr::wire
