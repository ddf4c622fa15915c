#pragma once
// The value of the HTTP Date header (IMF-fixdate, RFC 9110 section 5.6.7), e.g.
// "Sun, 06 Nov 1994 08:49:37 GMT". FormatHttpDate is pure; CurrentHttpDate reads the system clock
// and caches its answer per thread for the current second. Both may be called from any thread.

#include <ctime>
#include <string>
#include <string_view>

namespace hr::net {

// `t` (seconds since the Unix epoch) as an IMF-fixdate.
std::string FormatHttpDate(std::time_t t);

// Now as an IMF-fixdate. The view is valid on the calling thread until its next call.
std::string_view CurrentHttpDate();

}  // namespace hr::net
