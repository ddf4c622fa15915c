#include "net/http_date.h"

#include <cstdio>

namespace hr::net {

std::string FormatHttpDate(std::time_t t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  const int n = std::snprintf(buffer, sizeof(buffer), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                              kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon],
                              tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
}

std::string_view CurrentHttpDate() {
  thread_local std::time_t cached_second = -1;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    cached_second = now;
    cached = FormatHttpDate(now);
  }
  return cached;
}

}  // namespace hr::net
