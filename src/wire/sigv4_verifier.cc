#include "wire/sigv4_verifier.h"

#include <array>
#include <cstdio>
#include <string>

#include "base/iso_time.h"
#include "wire/sigv4_signature.h"

namespace hr::wire {
namespace {

constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr std::string_view kSignatureMismatch =
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details.";

// The request's time in ISO-8601 basic form: X-Amz-Date as sent, or the Date header
// converted from IMF-fixdate ("Sun, 30 Aug 2015 12:36:00 GMT"). The parser checked the form.
std::string RequestTime(std::string_view x_amz_date, std::string_view date_header) {
  if (!x_amz_date.empty()) return std::string(x_amz_date);
  if (date_header.size() != 29) return std::string(date_header);
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int month = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (date_header.substr(8, 3) == kMonths[i]) month = static_cast<int>(i) + 1;
  }
  std::string out;
  out.append(date_header.substr(12, 4));
  out += static_cast<char>('0' + month / 10);
  out += static_cast<char>('0' + month % 10);
  out.append(date_header.substr(5, 2)).append("T");
  out.append(date_header.substr(17, 2)).append(date_header.substr(20, 2)).append(date_header.substr(23, 2));
  out += 'Z';
  return out;
}

// "20150830T123600Z" -> its instant (the parser checked the form).
std::optional<Timestamp> ParseBasic(std::string_view t) {
  if (t.size() != 16) return std::nullopt;
  std::string iso;
  iso.append(t.substr(0, 4)).append("-").append(t.substr(4, 2)).append("-").append(t.substr(6, 2));
  iso.append("T").append(t.substr(9, 2)).append(":").append(t.substr(11, 2)).append(":");
  iso.append(t.substr(13, 2)).append("Z");
  return ParseIsoTimestamp(iso);
}

bool ValidRegion(std::string_view r) {
  // AWS's Region names: two letters, then dash-separated words, ending in a number
  // ("us-east-1", "us-gov-west-1", "ap-southeast-2").
  if (r.size() < 4 || !(r[0] >= 'a' && r[0] <= 'z') || !(r[1] >= 'a' && r[1] <= 'z') || r[2] != '-') return false;
  for (char c : r) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return r.back() >= '0' && r.back() <= '9' && r.find("--") == std::string_view::npos;
}

bool SignsHost(const SigV4Authorization& auth) {
  for (const std::string& h : auth.signed_headers) {
    if (h.size() == 4 && (h[0] | 0x20) == 'h' && (h[1] | 0x20) == 'o' && (h[2] | 0x20) == 's' &&
        (h[3] | 0x20) == 't') {
      return true;
    }
  }
  return false;
}

std::string Minutes(Duration d) { return std::to_string(d.nanos() / Duration::Minutes(1).nanos()); }

}  // namespace

SigV4Rules SigV4RulesFor(std::string_view service) {
  SigV4Rules rules;
  rules.service = service;
  rules.max_past = service == "lambda" ? Duration::Minutes(5) : Duration::Minutes(15);
  rules.max_future = Duration::Minutes(15);
  return rules;
}

std::string FormatSigV4Time(Timestamp t) {
  const CivilTime c = ToCivil(t);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%04lld%02u%02uT%02u%02u%02uZ", static_cast<long long>(c.year), c.month,
                c.day, c.hour, c.minute, c.second);
  return buffer;
}

std::optional<AuthFailure> VerifySigV4(const SigV4Authorization& auth, const SigV4Request& request,
                                       const SigV4Credential* credential, const SigV4Rules& rules,
                                       Timestamp now) {
  // Row 4: the clock skew.
  const std::string request_time = RequestTime(request.x_amz_date, request.date_header);
  const std::optional<Timestamp> signed_at = ParseBasic(request_time);
  if (!signed_at) return InvalidSignature("Date must be in ISO-8601 'basic format'. Got '" + request_time + "'.");
  if (*signed_at < now - rules.max_past) {
    return InvalidSignature("Signature expired: " + request_time + " is now earlier than " +
                            FormatSigV4Time(now - rules.max_past) + " (" + FormatSigV4Time(now) + " - " +
                            Minutes(rules.max_past) + " min.)");
  }
  if (*signed_at > now + rules.max_future) {
    return InvalidSignature("Signature not yet current: " + request_time + " is still later than " +
                            FormatSigV4Time(now + rules.max_future) + " (" + FormatSigV4Time(now) + " + " +
                            Minutes(rules.max_future) + " min.)");
  }

  // Row 5: host is signed.
  if (!SignsHost(auth)) return InvalidSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.");

  // Row 8: the credential scope.
  std::string scope_errors;
  if (!ValidRegion(auth.region)) {
    scope_errors += "Credential should be scoped to a valid region, not '" + auth.region + "'. ";
  }
  if (auth.service != rules.service) {
    scope_errors += "Credential should be scoped to correct service: '" + std::string(rules.service) + "'. ";
  }
  if (auth.terminator != "aws4_request") {
    scope_errors += "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                    auth.terminator + "'. ";
  }
  const std::string_view yyyymmdd = std::string_view(request_time).substr(0, 8);
  if (auth.date != yyyymmdd) {
    scope_errors += "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
                    auth.date + "' != '" + std::string(yyyymmdd) + "', from '" + request_time + "'.";
  }
  if (!scope_errors.empty()) return InvalidSignature(std::move(scope_errors));

  // Rows 9 and 11: who signed.
  if (credential == nullptr) return UnrecognizedClient();
  if (!credential->session_token.empty() &&
      !SignaturesEqual(credential->session_token, request.security_token)) {
    return UnrecognizedClient();
  }

  // Row 10: the signature.
  const std::string payload_hash =
      request.content_sha256 == kUnsignedPayload ? std::string(kUnsignedPayload) : Sha256Hex(request.body);
  const std::string canonical = SigV4CanonicalRequest(request.message, auth.signed_headers, payload_hash);
  const std::string scope = SigV4Scope(auth.date, auth.region, auth.service);
  const std::string string_to_sign = SigV4StringToSign(request_time, scope, canonical);
  const std::string expected =
      SigV4Signature(credential->secret_access_key, auth.date, auth.region, auth.service, string_to_sign);
  if (!SignaturesEqual(expected, auth.signature)) {
    return InvalidSignature(std::string(kSignatureMismatch),
                            "\n\nThe Canonical String for this request should have been\n'" + canonical +
                                "'\n\nThe String-to-Sign should have been\n'" + string_to_sign + "'\n");
  }
  return std::nullopt;
}

}  // namespace hr::wire
