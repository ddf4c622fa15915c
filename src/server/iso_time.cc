#include "server/iso_time.h"

#include <cstdio>

namespace hr::server {
namespace {

// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
void CivilFromDays(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

}  // namespace

namespace {

std::string Format(Timestamp t, const char* zone) {
  std::int64_t ms = t.unix_millis();
  std::int64_t days = ms / 86'400'000;
  std::int64_t rem = ms % 86'400'000;
  if (rem < 0) {
    rem += 86'400'000;
    --days;
  }
  std::int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lld%s",
                static_cast<long long>(y), m, d, static_cast<long long>(rem / 3'600'000),
                static_cast<long long>(rem / 60'000 % 60), static_cast<long long>(rem / 1000 % 60),
                static_cast<long long>(rem % 1000), zone);
  return buf;
}

}  // namespace

std::string FormatLambdaTimestamp(Timestamp t) { return Format(t, "+0000"); }
std::string FormatIsoMillis(Timestamp t) { return Format(t, "Z"); }

}  // namespace hr::server
