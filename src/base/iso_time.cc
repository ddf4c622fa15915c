#include "base/iso_time.h"

#include <cctype>
#include <cstdio>

namespace hr {
namespace {

constexpr std::int64_t kMillisPerDay = 86'400'000;

// The epoch seconds a Timestamp holds (int64 nanoseconds: +-9.22e9 s), less a margin for zone
// offsets, fractions and the periods added to a query's range: about 1678-07 to 2261-07.
constexpr std::int64_t kMaxSeconds = 9'200'000'000;
constexpr std::int64_t kMinSeconds = -kMaxSeconds;

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

// The inverse: days since 1970-01-01 of (year, month, day).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::string Format(Timestamp t, const char* zone) {
  const CivilTime c = ToCivil(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03u%s",
                static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second,
                c.millisecond, zone);
  return buf;
}

// Reads exactly `n` digits at `pos`.
bool Digits(std::string_view s, std::size_t& pos, int n, unsigned& out) {
  out = 0;
  for (int i = 0; i < n; ++i, ++pos) {
    if (pos >= s.size() || !std::isdigit(static_cast<unsigned char>(s[pos]))) return false;
    out = out * 10 + static_cast<unsigned>(s[pos] - '0');
  }
  return true;
}

}  // namespace

CivilTime ToCivil(Timestamp t) {
  const std::int64_t ms = t.unix_millis();
  std::int64_t days = ms / kMillisPerDay;
  std::int64_t rem = ms % kMillisPerDay;
  if (rem < 0) {
    rem += kMillisPerDay;
    --days;
  }
  CivilTime c{};
  CivilFromDays(days, c.year, c.month, c.day);
  c.hour = static_cast<unsigned>(rem / 3'600'000);
  c.minute = static_cast<unsigned>(rem / 60'000 % 60);
  c.second = static_cast<unsigned>(rem / 1000 % 60);
  c.millisecond = static_cast<unsigned>(rem % 1000);
  return c;
}

std::string FormatLambdaTimestamp(Timestamp t) { return Format(t, "+0000"); }
std::string FormatIsoMillis(Timestamp t) { return Format(t, "Z"); }

std::optional<Timestamp> ParseIsoTimestamp(std::string_view s) {
  std::size_t pos = 0;
  unsigned year, month, day, hour = 0, minute = 0, second = 0;
  if (!Digits(s, pos, 4, year) || pos >= s.size() || s[pos++] != '-' || !Digits(s, pos, 2, month) ||
      pos >= s.size() || s[pos++] != '-' || !Digits(s, pos, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  std::int64_t nanos = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return std::nullopt;
    ++pos;
    if (!Digits(s, pos, 2, hour) || pos >= s.size() || s[pos++] != ':' || !Digits(s, pos, 2, minute)) {
      return std::nullopt;
    }
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!Digits(s, pos, 2, second)) return std::nullopt;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        std::int64_t scale = 100'000'000;
        const std::size_t first = pos;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
          nanos += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == first) return std::nullopt;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    std::int64_t offset_minutes = 0;
    if (pos < s.size()) {
      const char zone = s[pos++];
      if (zone == 'Z' || zone == 'z') {
        if (pos != s.size()) return std::nullopt;
      } else if (zone == '+' || zone == '-') {
        unsigned oh, om = 0;
        if (!Digits(s, pos, 2, oh)) return std::nullopt;
        if (pos < s.size() && s[pos] == ':') ++pos;
        if (pos < s.size() && !Digits(s, pos, 2, om)) return std::nullopt;
        if (pos != s.size() || oh > 23 || om > 59) return std::nullopt;
        offset_minutes = (zone == '+' ? 1 : -1) * static_cast<std::int64_t>(oh * 60 + om);
      } else {
        return std::nullopt;
      }
    }
    nanos -= offset_minutes * 60 * 1'000'000'000;
  }
  const std::int64_t seconds = DaysFromCivil(year, month, day) * 86'400 + hour * 3600 + minute * 60 + second;
  if (seconds < kMinSeconds || seconds > kMaxSeconds) return std::nullopt;
  return Timestamp::FromUnixNanos(seconds * 1'000'000'000 + nanos);
}

std::optional<Timestamp> TimestampFromUnixSeconds(double seconds) {
  // Also false for NaN.
  if (!(seconds >= static_cast<double>(kMinSeconds) && seconds <= static_cast<double>(kMaxSeconds))) {
    return std::nullopt;
  }
  return Timestamp::FromUnixNanos(static_cast<std::int64_t>(seconds * 1e9));
}

}  // namespace hr
