#include "wire/sigv4_authorization.h"

#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

namespace hr::wire {
namespace {

constexpr std::string_view kAmzDate = "20260807T120000Z";
constexpr std::string_view kSignature =
    "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024";

// The header exactly as botocore's SigV4Auth writes it: "<alg> Credential=<scope>, "
// "SignedHeaders=<h;h>, Signature=<hex>".
std::string BotoHeader(std::string_view akid, std::string_view region = "us-east-1",
                       std::string_view service = "lambda") {
  std::string h = "AWS4-HMAC-SHA256 Credential=";
  h += akid;
  h += "/20260807/";
  h += region;
  h += "/";
  h += service;
  h += "/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, ";
  h += "Signature=";
  h += kSignature;
  return h;
}

SigV4Authorization ParseOk(std::string_view header, std::string_view x_amz_date = kAmzDate,
                           std::string_view date = "") {
  SigV4ParseResult r = ParseSigV4Authorization(header, x_amz_date, date);
  if (const auto* f = std::get_if<AuthFailure>(&r)) {
    ADD_FAILURE() << "unexpected " << f->exception << ": " << f->message;
    return {};
  }
  if (std::holds_alternative<SigV4Absent>(r)) {
    ADD_FAILURE() << "unexpected SigV4Absent";
    return {};
  }
  return std::get<SigV4Authorization>(std::move(r));
}

AuthFailure ParseFail(std::string_view header, std::string_view x_amz_date = kAmzDate,
                      std::string_view date = "") {
  SigV4ParseResult r = ParseSigV4Authorization(header, x_amz_date, date);
  if (const auto* f = std::get_if<AuthFailure>(&r)) return *f;
  ADD_FAILURE() << "expected an AuthFailure for '" << header << "'";
  return {};
}

void ExpectIncomplete(const AuthFailure& f, std::string_view message) {
  EXPECT_EQ(f.exception, "IncompleteSignatureException");
  EXPECT_EQ(f.lambda_status, 403u);
  EXPECT_EQ(f.json_status, 400u);
  EXPECT_EQ(f.message, message);
}

TEST(SigV4AuthorizationTest, ParsesBotocoreHeader) {
  const SigV4Authorization a = ParseOk(BotoHeader("AKIAIOSFODNN7EXAMPLE"));
  EXPECT_EQ(a.algorithm, "AWS4-HMAC-SHA256");
  EXPECT_EQ(a.access_key_id, "AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(a.date, "20260807");
  EXPECT_EQ(a.region, "us-east-1");
  EXPECT_EQ(a.service, "lambda");
  EXPECT_EQ(a.terminator, "aws4_request");
  EXPECT_EQ(a.signed_headers, (std::vector<std::string>{"content-type", "host", "x-amz-date",
                                                        "x-amz-security-token"}));
  EXPECT_EQ(a.signature, kSignature);
}

TEST(SigV4AuthorizationTest, ExtractsRegionAndServiceOfEachApi) {
  const SigV4Authorization sq = ParseOk(BotoHeader("test", "eu-west-3", "servicequotas"));
  EXPECT_EQ(sq.region, "eu-west-3");
  EXPECT_EQ(sq.service, "servicequotas");
  const SigV4Authorization cw = ParseOk(BotoHeader("test", "ap-southeast-2", "monitoring"));
  EXPECT_EQ(cw.region, "ap-southeast-2");
  EXPECT_EQ(cw.service, "monitoring");
}

TEST(SigV4AuthorizationTest, AccountFromAccessKey) {
  const SigV4Authorization a = ParseOk(BotoHeader("123456789012"));
  EXPECT_EQ(AccountForAccessKey(a.access_key_id, "000000000000"), "123456789012");
  EXPECT_EQ(AccountForAccessKey("AKIAIOSFODNN7EXAMPLE", "000000000000"), "000000000000");
  EXPECT_EQ(AccountForAccessKey("test", "000000000000"), "000000000000");
  EXPECT_EQ(AccountForAccessKey("", "000000000000"), "000000000000");
  EXPECT_EQ(AccountForAccessKey("12345678901", "000000000000"), "000000000000");    // 11 digits
  EXPECT_EQ(AccountForAccessKey("1234567890123", "000000000000"), "000000000000");  // 13 digits
  EXPECT_EQ(AccountForAccessKey("12345678901a", "000000000000"), "000000000000");
  EXPECT_EQ(AccountForAccessKey("12345678901 ", "000000000000"), "000000000000");
  EXPECT_EQ(AccountForAccessKey("-12345678901", "000000000000"), "000000000000");
}

TEST(SigV4AuthorizationTest, WhitespaceAndSeparatorVariations) {
  const std::string scope = "AKID/20260807/us-west-2/lambda/aws4_request";
  for (const std::string& h : std::vector<std::string>{
           "AWS4-HMAC-SHA256 Credential=" + scope + ", SignedHeaders=host;x-amz-date, Signature=ab",
           "AWS4-HMAC-SHA256 Credential=" + scope + ",SignedHeaders=host;x-amz-date,Signature=ab",
           "AWS4-HMAC-SHA256 Credential=" + scope + " SignedHeaders=host;x-amz-date Signature=ab",
           "AWS4-HMAC-SHA256  Credential=" + scope + " ,  SignedHeaders=host;x-amz-date ,\t"
               "Signature=ab",
           "  AWS4-HMAC-SHA256\tCredential=" + scope + ", SignedHeaders=host;x-amz-date, "
               "Signature=ab  ",
           // Any order; unknown keys and bare words ignored; trailing comma.
           "AWS4-HMAC-SHA256 Signature=ab, Foo=bar, SignedHeaders=host;x-amz-date, Credential=" +
               scope + ",",
       }) {
    SCOPED_TRACE(h);
    const SigV4Authorization a = ParseOk(h);
    EXPECT_EQ(a.access_key_id, "AKID");
    EXPECT_EQ(a.region, "us-west-2");
    EXPECT_EQ(a.service, "lambda");
    EXPECT_EQ(a.signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
    EXPECT_EQ(a.signature, "ab");
  }
}

TEST(SigV4AuthorizationTest, RepeatedKeyKeepsLastAndTrailingSlashesIgnored) {
  const SigV4Authorization a = ParseOk(
      "AWS4-HMAC-SHA256 Credential=x/y/z/w/v, Credential=K/20260807/us-east-1/lambda/"
      "aws4_request//, SignedHeaders=host, Signature=00");
  EXPECT_EQ(a.access_key_id, "K");
  EXPECT_EQ(a.terminator, "aws4_request");
}

TEST(SigV4AuthorizationTest, EmptyHeaderIsAbsentNotAnError) {
  for (std::string_view h : {"", " ", "\t  "}) {
    EXPECT_TRUE(std::holds_alternative<SigV4Absent>(ParseSigV4Authorization(h, "", "")));
    EXPECT_TRUE(std::holds_alternative<SigV4Absent>(ParseSigV4Authorization(h, kAmzDate, "")));
  }
  const AuthFailure f = MissingAuthenticationToken();
  EXPECT_EQ(f.exception, "MissingAuthenticationTokenException");
  EXPECT_EQ(f.lambda_status, 403u);
  EXPECT_EQ(f.json_status, 400u);
  EXPECT_EQ(f.message, "Missing Authentication Token");
}

// Row 1: present but not SigV4.
TEST(SigV4AuthorizationTest, Row1NotAws4IsMissingAuthenticationToken) {
  for (std::string_view h : {"Bearer abc", "AWS AKID:sig", "aws4-hmac-sha256 Credential=a",
                             "AWS4", "AWS5-HMAC-SHA256 Credential=a/b/c/d/e", ","}) {
    SCOPED_TRACE(h);
    EXPECT_EQ(ParseFail(h), MissingAuthenticationToken());
  }
}

// Row 2: the missing parts, concatenated in DYN's order, then the header as received.
TEST(SigV4AuthorizationTest, Row2MissingPartsConcatenated) {
  const std::string cred = "Credential=AKID/20260807/us-east-1/lambda/aws4_request";
  ExpectIncomplete(
      ParseFail("AWS4-HMAC-SHA256", "", ""),
      "Authorization header requires 'Credential' parameter. "
      "Authorization header requires 'Signature' parameter. "
      "Authorization header requires 'SignedHeaders' parameter. "
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
      "Authorization=AWS4-HMAC-SHA256");
  ExpectIncomplete(ParseFail("AWS4-HMAC-SHA256 " + cred),
                   "Authorization header requires 'Signature' parameter. "
                   "Authorization header requires 'SignedHeaders' parameter. "
                   "Authorization=AWS4-HMAC-SHA256 " + cred);
  ExpectIncomplete(ParseFail("AWS4-HMAC-SHA256 " + cred + ", Signature=ab"),
                   "Authorization header requires 'SignedHeaders' parameter. "
                   "Authorization=AWS4-HMAC-SHA256 " + cred + ", Signature=ab");
  // An empty value counts as missing (DYN); the header is quoted as received, untrimmed.
  ExpectIncomplete(ParseFail(" AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=ab"),
                   "Authorization header requires 'Credential' parameter. "
                   "Authorization= AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, "
                   "Signature=ab");
  // No date header at all.
  const std::string full = BotoHeader("AKID");
  ExpectIncomplete(
      ParseFail(full, "", ""),
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
      "Authorization=" + full);
  // Row 2 is checked before the algorithm (row 6).
  ExpectIncomplete(ParseFail("AWS4-HMAC-SHA512 Signature=ab, SignedHeaders=host"),
                   "Authorization header requires 'Credential' parameter. "
                   "Authorization=AWS4-HMAC-SHA512 Signature=ab, SignedHeaders=host");
}

// Row 3: the date used must be ISO-8601 basic; X-Amz-Date wins over Date.
TEST(SigV4AuthorizationTest, Row3DateFormat) {
  const std::string h = BotoHeader("AKID");
  for (std::string_view bad :
       {"201", "2026-08-07T12:00:00Z", "20260807T120000", "20261307T120000Z", "20260230T120000Z",
        "20250229T000000Z", "20260807T240000Z", "20260807T126000Z", "20260807t120000z",
        "Fri, 07 Aug 2026 12:00:00 GMT"}) {
    SCOPED_TRACE(bad);
    std::string expected = "Date must be in ISO-8601 'basic format'. Got '";
    expected += bad;
    expected += "'. See http://en.wikipedia.org/wiki/ISO_8601";
    ExpectIncomplete(ParseFail(h, bad, ""), expected);
    // X-Amz-Date is the one judged even when Date is fine.
    ExpectIncomplete(ParseFail(h, bad, "Fri, 07 Aug 2026 12:00:00 GMT"), expected);
  }
  ExpectIncomplete(ParseFail(h, "", "zzzzzzzzz"),
                   "Date must be in ISO-8601 'basic format'. Got 'zzzzzzzzz'. See "
                   "http://en.wikipedia.org/wiki/ISO_8601");
  ExpectIncomplete(ParseFail(h, "", "Fri, 31 Feb 2026 12:00:00 GMT"),
                   "Date must be in ISO-8601 'basic format'. Got 'Fri, 31 Feb 2026 12:00:00 GMT'. "
                   "See http://en.wikipedia.org/wiki/ISO_8601");
  // Accepted: leap day, basic-format Date, and an HTTP IMF-fixdate Date header.
  ParseOk(h, "20240229T235959Z", "");
  ParseOk(h, "", "20260807T120000Z");
  ParseOk(h, "", "Fri, 07 Aug 2026 12:00:00 GMT");
  // Row 3 comes before the algorithm (row 6).
  ExpectIncomplete(ParseFail("AWS4-X Credential=a, SignedHeaders=host, Signature=ab", "201"),
                   "Date must be in ISO-8601 'basic format'. Got '201'. See "
                   "http://en.wikipedia.org/wiki/ISO_8601");
}

// Row 6: the DYN example, with its trailing space.
TEST(SigV4AuthorizationTest, Row6UnsupportedAlgorithm) {
  ExpectIncomplete(
      ParseFail("AWS4-HMAC-SHA25 Credential=AKID/20260807/us-east-1/lambda/aws4_request, "
                "SignedHeaders=host, Signature=ab"),
      "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA25' (only AWS4-HMAC-SHA256 for now). ");
  // Row 6 comes before row 7.
  ExpectIncomplete(ParseFail("AWS4-ECDSA-P256-SHA256 Credential=a/b, SignedHeaders=host, "
                             "Signature=ab"),
                   "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256' (only "
                   "AWS4-HMAC-SHA256 for now). ");
}

// Row 7: exactly five elements; trailing empty ones dropped, inner ones kept.
TEST(SigV4AuthorizationTest, Row7CredentialElements) {
  for (std::string_view cred : {"a/b/c/d", "a/b/c/d/", "AKID", "a/b/c/d/e/f", "a/b/c//",
                                "/////", "a/b/c/d/e/f/"}) {
    SCOPED_TRACE(cred);
    std::string h = "AWS4-HMAC-SHA256 Credential=";
    h += cred;
    h += ", SignedHeaders=host, Signature=ab";
    std::string expected =
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        "keyid/date/region/service/term, got '";
    expected += cred;
    expected += "'";
    ExpectIncomplete(ParseFail(h), expected);
  }
  // Inner empty elements count (scope validity is the verifier's row 8).
  const SigV4Authorization a =
      ParseOk("AWS4-HMAC-SHA256 Credential=a//c/d/e, SignedHeaders=host, Signature=ab");
  EXPECT_EQ(a.date, "");
  EXPECT_EQ(a.region, "c");
}

// Random input must never crash, and every answer keeps the contract's invariants.
TEST(SigV4AuthorizationTest, FuzzNeverCrashes) {
  std::mt19937 rng(20260807);
  const std::string valid = BotoHeader("123456789012");
  using namespace std::string_view_literals;
  const std::string_view alphabet =
      "AWS4-HMAC-SHA256 Credential=SignedHeaders/;,= \t\x00\xff\r\n"sv;
  std::uniform_int_distribution<int> byte(0, 255);
  int parsed = 0, failed = 0, absent = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string h;
    switch (i % 3) {
      case 0: {  // random bytes
        const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 80)(rng);
        for (std::size_t k = 0; k < n; ++k) h += static_cast<char>(byte(rng));
        break;
      }
      case 1: {  // random draws from the interesting alphabet, after the right prefix
        h = "AWS4-";
        const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 120)(rng);
        std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
        for (std::size_t k = 0; k < n; ++k) h += alphabet[pick(rng)];
        break;
      }
      default: {  // a valid header with a few bytes mutated, deleted or inserted
        h = valid;
        const int edits = std::uniform_int_distribution<int>(1, 4)(rng);
        for (int e = 0; e < edits && !h.empty(); ++e) {
          const std::size_t pos = std::uniform_int_distribution<std::size_t>(0, h.size() - 1)(rng);
          switch (byte(rng) % 3) {
            case 0: h[pos] = alphabet[pos % alphabet.size()]; break;
            case 1: h.erase(pos, 1); break;
            default: h.insert(pos, 1, static_cast<char>(byte(rng))); break;
          }
        }
      }
    }
    const std::string_view date = (i % 5 == 0) ? std::string_view() : kAmzDate;
    SigV4ParseResult r = ParseSigV4Authorization(h, date, (i % 7 == 0) ? h : "");
    if (const auto* a = std::get_if<SigV4Authorization>(&r)) {
      ++parsed;
      EXPECT_EQ(a->algorithm, kSigV4Algorithm);
      EXPECT_FALSE(a->signature.empty());
      EXPECT_FALSE(a->signed_headers.empty());
    } else if (const auto* f = std::get_if<AuthFailure>(&r)) {
      ++failed;
      EXPECT_TRUE(f->exception == kIncompleteSignatureException ||
                  f->exception == kMissingAuthenticationTokenException);
      EXPECT_EQ(f->lambda_status, 403u);
      EXPECT_EQ(f->json_status, 400u);
      EXPECT_FALSE(f->message.empty());
    } else {
      ++absent;
      EXPECT_EQ(h.find_first_not_of(" \t"), std::string::npos);
    }
  }
  // The generator reaches every outcome.
  EXPECT_GT(parsed, 0);
  EXPECT_GT(failed, 0);
  EXPECT_GT(absent, 0);
}

}  // namespace
}  // namespace hr::wire
