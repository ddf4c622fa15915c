#include "wire/sigv4_authorization.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hr::wire {
namespace {

constexpr unsigned kLambdaAuthStatus = 403;
constexpr unsigned kJsonAuthStatus = 400;

bool IsOws(char c) { return c == ' ' || c == '\t'; }
bool IsSeparator(char c) { return IsOws(c) || c == ','; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

AuthFailure Incomplete(std::string message) {
  return AuthFailure{kIncompleteSignatureException, kLambdaAuthStatus, kJsonAuthStatus,
                     std::move(message), "IncompleteSignature", 400, ""};
}

// The value of `n` ASCII digits at s[pos...], or nullopt. REQUIRES: pos + n <= s.size().
std::optional<int> Digits(std::string_view s, std::size_t pos, std::size_t n) {
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(s[i])) return std::nullopt;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

bool ValidCalendarDate(int year, int month, int day) {
  static constexpr std::array<int, 12> kDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return !(month == 2 && day == 29 && !leap);
}

bool ValidClock(int hour, int minute, int second) {
  return hour <= 23 && minute <= 59 && second <= 59;
}

// YYYYMMDD'T'HHMMSS'Z', a real calendar date and time of day.
bool IsIso8601Basic(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return false;
  const auto year = Digits(s, 0, 4), month = Digits(s, 4, 2), day = Digits(s, 6, 2);
  const auto hour = Digits(s, 9, 2), minute = Digits(s, 11, 2), second = Digits(s, 13, 2);
  if (!year || !month || !day || !hour || !minute || !second) return false;
  return ValidCalendarDate(*year, *month, *day) && ValidClock(*hour, *minute, *second);
}

// RFC 9110 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
bool IsImfFixdate(std::string_view s) {
  static constexpr std::array<std::string_view, 7> kWeekdays = {"Mon", "Tue", "Wed", "Thu",
                                                                "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT") {
    return false;
  }
  bool weekday_ok = false;
  for (std::string_view w : kWeekdays) weekday_ok = weekday_ok || s.substr(0, 3) == w;
  int month = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (s.substr(8, 3) == kMonths[i]) month = static_cast<int>(i) + 1;
  }
  const auto day = Digits(s, 5, 2), year = Digits(s, 12, 4);
  const auto hour = Digits(s, 17, 2), minute = Digits(s, 20, 2), second = Digits(s, 23, 2);
  if (!weekday_ok || month == 0 || !day || !year || !hour || !minute || !second) return false;
  return ValidCalendarDate(*year, month, *day) && ValidClock(*hour, *minute, *second);
}

// Splits like Java's String.split(String.valueOf(sep)): inner empty elements kept, trailing
// ones dropped (so "a/b/" has 2 elements and "//" has none).
std::vector<std::string_view> SplitDroppingTrailingEmpty(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  parts.reserve(static_cast<std::size_t>(std::count(s.begin(), s.end(), sep)) + 1);
  std::size_t start = 0;
  while (true) {
    const std::size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos
                                                                   : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

struct Params {
  std::string_view credential;
  std::string_view signed_headers;
  std::string_view signature;
};

// Reads `key=value` tokens separated by commas and/or whitespace. Unknown keys and tokens with
// no '=' are ignored; a repeated key keeps its last value.
Params ReadParams(std::string_view rest) {
  Params params;
  std::size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && IsSeparator(rest[i])) ++i;
    const std::size_t start = i;
    while (i < rest.size() && !IsSeparator(rest[i])) ++i;
    const std::string_view token = rest.substr(start, i - start);
    const std::size_t eq = token.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = token.substr(0, eq);
    const std::string_view value = token.substr(eq + 1);
    if (key == "Credential") {
      params.credential = value;
    } else if (key == "SignedHeaders") {
      params.signed_headers = value;
    } else if (key == "Signature") {
      params.signature = value;
    }
  }
  return params;
}

}  // namespace

AuthFailure MissingAuthenticationToken() {
  return AuthFailure{kMissingAuthenticationTokenException, kLambdaAuthStatus, kJsonAuthStatus,
                     std::string(kLambdaMissingAuthTokenMessage), "MissingAuthenticationToken", 403, ""};
}

AuthFailure InvalidSignature(std::string message, std::string detail) {
  return AuthFailure{kInvalidSignatureException, kLambdaAuthStatus, kJsonAuthStatus, std::move(message),
                     "SignatureDoesNotMatch", 403, std::move(detail)};
}

AuthFailure UnrecognizedClient() {
  return AuthFailure{kUnrecognizedClientException, kLambdaAuthStatus, kJsonAuthStatus,
                     std::string(kInvalidSecurityTokenMessage), "InvalidClientTokenId", 403, ""};
}

SigV4ParseResult ParseSigV4Authorization(std::string_view header_value,
                                         std::string_view x_amz_date,
                                         std::string_view date_header) {
  const std::string_view header = TrimOws(header_value);
  if (header.empty()) return SigV4Absent{};
  if (!header.starts_with("AWS4-")) return MissingAuthenticationToken();

  // The algorithm is the first word; the parameters follow it.
  std::size_t word_end = 0;
  while (word_end < header.size() && !IsOws(header[word_end])) ++word_end;
  const std::string_view algorithm = header.substr(0, word_end);
  const Params params = ReadParams(header.substr(word_end));

  // Row 2: everything missing, in one message.
  const std::string_view date = !x_amz_date.empty() ? x_amz_date : date_header;
  std::string missing;
  if (params.credential.empty()) {
    missing += "Authorization header requires 'Credential' parameter. ";
  }
  if (params.signature.empty()) {
    missing += "Authorization header requires 'Signature' parameter. ";
  }
  if (params.signed_headers.empty()) {
    missing += "Authorization header requires 'SignedHeaders' parameter. ";
  }
  if (date.empty()) {
    missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
               "header. ";
  }
  if (!missing.empty()) {
    missing += "Authorization=";
    missing += header_value;
    return Incomplete(std::move(missing));
  }

  // Row 3: the date's format.
  const bool date_ok =
      IsIso8601Basic(date) || (x_amz_date.empty() && IsImfFixdate(date_header));
  if (!date_ok) {
    std::string message = "Date must be in ISO-8601 'basic format'. Got '";
    message += date;
    message += "'. See http://en.wikipedia.org/wiki/ISO_8601";
    return Incomplete(std::move(message));
  }

  // Row 6: the algorithm.
  if (algorithm != kSigV4Algorithm) {
    std::string message = "Unsupported AWS 'algorithm': '";
    message += algorithm;
    message += "' (only AWS4-HMAC-SHA256 for now). ";
    return Incomplete(std::move(message));
  }

  // Row 7: the credential's shape.
  const std::vector<std::string_view> scope = SplitDroppingTrailingEmpty(params.credential, '/');
  if (scope.size() != 5) {
    std::string message =
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        "keyid/date/region/service/term, got '";
    message += params.credential;
    message += "'";
    return Incomplete(std::move(message));
  }

  SigV4Authorization auth;
  auth.algorithm = std::string(algorithm);
  auth.access_key_id = std::string(scope[0]);
  auth.date = std::string(scope[1]);
  auth.region = std::string(scope[2]);
  auth.service = std::string(scope[3]);
  auth.terminator = std::string(scope[4]);
  const std::vector<std::string_view> signed_headers =
      SplitDroppingTrailingEmpty(params.signed_headers, ';');
  auth.signed_headers.reserve(signed_headers.size());
  for (std::string_view h : signed_headers) auth.signed_headers.emplace_back(h);
  auth.signature = std::string(params.signature);
  return auth;
}

bool IsAccountId(std::string_view s) {
  bool twelve_digits = s.size() == 12;
  for (char c : s) twelve_digits = twelve_digits && IsDigit(c);
  return twelve_digits;
}

std::string AccountForAccessKey(std::string_view access_key_id, std::string_view default_account) {
  return std::string(IsAccountId(access_key_id) ? access_key_id : default_account);
}

}  // namespace hr::wire
