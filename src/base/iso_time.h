#pragma once
// AWS's timestamp texts, all UTC: "2026-11-22T05:31:21.123+0000" as Lambda prints
// FunctionConfiguration.LastModified (and CloudWatch an alarm event's times),
// "2026-11-22T05:31:21.123Z" as in an async invocation record or a query-protocol reply, and
// the ISO 8601 forms clients send in query-protocol requests. Also the civil fields of a
// time, for texts such as an alarm's "(01/12/26 21:30:00)".
//
// Pure; any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"

namespace hr {

std::string FormatLambdaTimestamp(Timestamp t);  // ...T05:31:21.123+0000
std::string FormatIsoMillis(Timestamp t);        // ...T05:31:21.123Z

// "2026-11-22T05:31:21Z", with optional fractional seconds and a "Z", "+hh:mm", "+hhmm" or
// "-hh:mm" zone (none means UTC); also a bare "2026-11-22". nullopt when it is not one, or
// when it lies outside the years a Timestamp holds (1678 to 2262: int64 nanoseconds).
std::optional<Timestamp> ParseIsoTimestamp(std::string_view text);

// Epoch seconds as the JSON protocols send a timestamp (fractions allowed), to the
// nanosecond. nullopt when not finite or outside the years a Timestamp holds (1678 to 2262).
std::optional<Timestamp> TimestampFromUnixSeconds(double seconds);

struct CivilTime {
  std::int64_t year;
  unsigned month, day, hour, minute, second, millisecond;
};
CivilTime ToCivil(Timestamp t);

}  // namespace hr
