#pragma once
// Percent-encoding (RFC 3986) as the AWS protocols use it: decoding query strings and form
// bodies, and the strict encoding SigV4's canonical request needs (every byte but the
// unreserved `A-Za-z0-9-_.~` as %XX, upper-case hex).
// The query protocol's form decoder, the REST router and the SigV4 canonical request use it.
// Pure; any thread.

#include <string>
#include <string_view>

namespace hr::wire {

// 0-15 for a hex digit (either case), -1 for anything else.
int HexDigitValue(char c);

// `s` with each %XX replaced by its byte (a '%' not followed by two hex digits stays as it
// is), and '+' by a space when `plus_is_space` (forms).
std::string PercentDecode(std::string_view s, bool plus_is_space);

// Appends `s` to `out`, every byte but the unreserved ones (and '/', when `keep_slash`) as %XX.
void AppendPercentEncoded(std::string& out, std::string_view s, bool keep_slash);

}  // namespace hr::wire
