// The canonical request, the signature chain and the verifier's checks. The signatures in
// kSuite are AWS's published Signature Version 4 test suite (credentials AKIDEXAMPLE /
// wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, us-east-1, service "service", 20150830T123600Z).
#include "wire/sigv4_verifier.h"

#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "base/iso_time.h"
#include "wire/sigv4_canonical_request.h"
#include "wire/sigv4_signature.h"

namespace hr::wire {
namespace {

constexpr std::string_view kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kSuiteDate = "20150830T123600Z";
constexpr std::string_view kToken =
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfK"
    "D8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8"
    "Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSI"
    "lTJabIQwj2ICCR/oLxBA==";

struct SuiteCase {
  std::string_view name;
  std::string_view method;
  std::string_view target;                 // as it arrives on the wire
  std::vector<SigV4Header> extra_headers;  // besides Host and X-Amz-Date
  std::vector<std::string> signed_headers;
  std::string_view body;
  std::string_view signature;
};

const std::vector<std::string> kHostDate = {"host", "x-amz-date"};
constexpr std::string_view kUnreserved = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const std::vector<SuiteCase>& Suite() {
  static const std::vector<SuiteCase> kSuite = {
      {"get-vanilla", "GET", "/", {}, kHostDate, "",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", {}, kHostDate, "",
       "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
      {"get-vanilla-query-unreserved", "GET",
       "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
       "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
       {}, kHostDate, "", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
      {"get-vanilla-utf8-query", "GET", "/?\xE1\x88\xB4=bar", {}, kHostDate, "",
       "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
      {"get-vanilla-empty-query-key", "GET", "/?Param1=value1", {}, kHostDate, "",
       "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb"},
      {"get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", {},
       kHostDate, "", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"},
      {"get-utf8", "GET", "/\xE1\x88\xB4", {}, kHostDate, "",
       "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"},
      {"get-space", "GET", "/example space/", {}, kHostDate, "",
       "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"},
      {"normalize-path/get-relative", "GET", "/example/..", {}, kHostDate, "",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"normalize-path/get-relative-relative", "GET", "/example1/example2/../..", {}, kHostDate, "",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"normalize-path/get-slash", "GET", "//", {}, kHostDate, "",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"normalize-path/get-slash-dot-slash", "GET", "/./", {}, kHostDate, "",
       "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
      {"normalize-path/get-slashes", "GET", "//example//", {}, kHostDate, "",
       "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84"},
      {"normalize-path/get-slash-pointless-dot", "GET", "/./example", {}, kHostDate, "",
       "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5"},
      {"get-header-key-duplicate", "GET", "/",
       {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}},
       {"host", "my-header1", "x-amz-date"}, "",
       "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea"},
      {"get-header-value-order", "GET", "/",
       {{"My-Header1", "value4"}, {"My-Header1", "value1"}, {"My-Header1", "value3"}, {"My-Header1", "value2"}},
       {"host", "my-header1", "x-amz-date"}, "",
       "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01"},
      {"get-header-value-trim", "GET", "/", {{"My-Header1", " value1"}, {"My-Header2", " \"a   b   c\""}},
       {"host", "my-header1", "my-header2", "x-amz-date"}, "",
       "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"},
      {"post-vanilla", "POST", "/", {}, kHostDate, "",
       "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"},
      {"post-header-key-sort", "POST", "/", {{"My-Header1", "value1"}}, {"host", "my-header1", "x-amz-date"}, "",
       "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"},
      {"post-header-value-case", "POST", "/", {{"My-Header1", "VALUE1"}}, {"host", "my-header1", "x-amz-date"}, "",
       "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d"},
      {"post-sts-header-before", "POST", "/", {{"X-Amz-Security-Token", kToken}},
       {"host", "x-amz-date", "x-amz-security-token"}, "",
       "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"},
      {"post-vanilla-query", "POST", "/?Param1=value1", {}, kHostDate, "",
       "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11"},
      {"post-x-www-form-urlencoded", "POST", "/", {{"Content-Type", "application/x-www-form-urlencoded"}},
       {"content-type", "host", "x-amz-date"}, "Param1=value1",
       "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"},
      {"post-x-www-form-urlencoded-parameters", "POST", "/",
       {{"Content-Type", "application/x-www-form-urlencoded; charset=utf8"}},
       {"content-type", "host", "x-amz-date"}, "Param1=value1",
       "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"},
  };
  return kSuite;
}

std::vector<SigV4Header> HeadersOf(const SuiteCase& c) {
  std::vector<SigV4Header> headers = {{"Host", "example.amazonaws.com"}};
  for (const SigV4Header& h : c.extra_headers) headers.push_back(h);
  headers.push_back({"X-Amz-Date", kSuiteDate});
  return headers;
}

std::string SignatureOf(const SuiteCase& c) {
  const std::vector<SigV4Header> headers = HeadersOf(c);
  const std::string canonical =
      SigV4CanonicalRequest(SigV4Message{c.method, c.target, headers}, c.signed_headers, Sha256Hex(c.body));
  return SigV4Signature(kSuiteSecret, "20150830", "us-east-1", "service",
                        SigV4StringToSign(kSuiteDate, SigV4Scope("20150830", "us-east-1", "service"), canonical));
}

TEST(SigV4SuiteTest, EveryCaseHasAwsSignature) {
  for (const SuiteCase& c : Suite()) EXPECT_EQ(SignatureOf(c), c.signature) << c.name;
}

TEST(SigV4SuiteTest, GetVanillaCanonicalRequestAndStringToSign) {
  const SuiteCase& c = Suite()[0];
  const std::vector<SigV4Header> headers = HeadersOf(c);
  const std::string canonical =
      SigV4CanonicalRequest(SigV4Message{"GET", "/", headers}, kHostDate, Sha256Hex(""));
  EXPECT_EQ(canonical,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(SigV4StringToSign(kSuiteDate, SigV4Scope("20150830", "us-east-1", "service"), canonical),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
}

TEST(SigV4CanonicalTest, PathIsEncodedAgainForNonS3Services) {
  EXPECT_EQ(SigV4CanonicalUri("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af/"
                              "invocations"),
            "/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A123456789012%253Afunction%253Af/"
            "invocations");
  EXPECT_EQ(SigV4CanonicalUri(""), "/");
  EXPECT_EQ(SigV4CanonicalUri("/a/../../b/./c//"), "/b/c/");
  EXPECT_EQ(SigV4CanonicalUri(std::string("/") + std::string(kUnreserved)), std::string("/") + std::string(kUnreserved));
}

TEST(SigV4CanonicalTest, QueryIsDecodedReencodedAndSorted) {
  EXPECT_EQ(SigV4CanonicalQuery("b=2&a=2&a=1&c"), "a=1&a=2&b=2&c=");
  EXPECT_EQ(SigV4CanonicalQuery("Marker=a%2Fb&Qualifier=%24LATEST"), "Marker=a%2Fb&Qualifier=%24LATEST");
  EXPECT_EQ(SigV4CanonicalQuery("k=a b*+"), "k=a%20b%2A%2B");
  EXPECT_EQ(SigV4CanonicalQuery("k=%7e%zz"), "k=~%25zz");  // lowercase hex decoded; a bad escape kept
  EXPECT_EQ(SigV4CanonicalQuery(""), "");
}

TEST(SigV4CanonicalTest, HeadersInSignedOrderTrimmedAndJoined) {
  const std::vector<SigV4Header> headers = {
      {"HOST", "h"}, {"X-Multi", "  a\t\t b  "}, {"x-multi", "c"}, {"Unsigned", "u"}};
  EXPECT_EQ(SigV4CanonicalHeaders(headers, std::vector<std::string>{"host", "x-absent", "x-multi"}),
            "host:h\nx-absent:\nx-multi:a b,c\n");
}

// A request signed as botocore signs one for Lambda.
struct Signed {
  std::string target = "/2015-03-31/functions/f/invocations";
  std::string body = R"({"k":1})";
  std::string amz_date = "20261201T120000Z";
  std::string region = "us-east-1";
  std::string service = "lambda";
  std::string secret = "right-secret";
  std::string payload_hash;  // "": the body's
  std::vector<std::string> signed_headers = {"host", "x-amz-date"};
  std::vector<SigV4Header> headers;
  std::string authorization;

  void Sign() {
    headers = {{"Host", "127.0.0.1:4599"}, {"X-Amz-Date", amz_date}};
    const std::string canonical =
        SigV4CanonicalRequest(SigV4Message{"POST", target, headers}, signed_headers,
                              payload_hash.empty() ? Sha256Hex(body) : payload_hash);
    const std::string date = amz_date.substr(0, 8);
    authorization = "AWS4-HMAC-SHA256 Credential=AKIDTEST/" + date + "/" + region + "/" + service +
                    "/aws4_request, SignedHeaders=";
    for (std::size_t i = 0; i < signed_headers.size(); ++i) authorization += (i ? ";" : "") + signed_headers[i];
    authorization += ", Signature=" +
                     SigV4Signature(secret, date, region, service,
                                    SigV4StringToSign(amz_date, SigV4Scope(date, region, service), canonical));
  }
};

const Timestamp kNow = *ParseIsoTimestamp("2026-12-01T12:00:00Z");
const SigV4Credential kCredential{"right-secret", "123456789012", ""};

std::optional<AuthFailure> Verify(const Signed& s, std::string_view body, std::string_view target,
                                  const SigV4Credential* credential = &kCredential, Timestamp now = kNow,
                                  std::string_view content_sha256 = "", std::string_view token = "") {
  const SigV4ParseResult parsed = ParseSigV4Authorization(s.authorization, s.amz_date, "");
  const auto* auth = std::get_if<SigV4Authorization>(&parsed);
  if (auth == nullptr) {
    ADD_FAILURE() << "the header did not parse: " << s.authorization;
    return std::nullopt;
  }
  SigV4Request request{SigV4Message{"POST", target, s.headers}, body, s.amz_date, "", token, content_sha256};
  return VerifySigV4(*auth, request, credential, SigV4RulesFor("lambda"), now);
}

std::optional<AuthFailure> Verify(const Signed& s) { return Verify(s, s.body, s.target); }

TEST(SigV4VerifierTest, AcceptsWhatWasSigned) {
  Signed s;
  s.Sign();
  EXPECT_EQ(Verify(s), std::nullopt);
  // Within the window on both sides.
  EXPECT_EQ(Verify(s, s.body, s.target, &kCredential, kNow + Duration::Minutes(5)), std::nullopt);
  EXPECT_EQ(Verify(s, s.body, s.target, &kCredential, kNow - Duration::Minutes(15)), std::nullopt);
}

TEST(SigV4VerifierTest, RejectsTamperedBodyPathAndSecret) {
  Signed s;
  s.Sign();
  const std::optional<AuthFailure> body = Verify(s, R"({"k":2})", s.target);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->exception, "InvalidSignatureException");
  EXPECT_EQ(body->lambda_status, 403u);
  EXPECT_EQ(body->query_code, "SignatureDoesNotMatch");
  EXPECT_EQ(body->message,
            "The request signature we calculated does not match the signature you provided. Check your AWS "
            "Secret Access Key and signing method. Consult the service documentation for details.");
  EXPECT_NE(body->detail.find("The Canonical String for this request should have been\n'POST\n"), std::string::npos);
  EXPECT_TRUE(Verify(s, s.body, "/2015-03-31/functions/g/invocations"));
  EXPECT_TRUE(Verify(s, s.body, s.target + "?Qualifier=1"));
  const SigV4Credential other{"wrong-secret", "123456789012", ""};
  const std::optional<AuthFailure> secret = Verify(s, s.body, s.target, &other);
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->exception, "InvalidSignatureException");
}

TEST(SigV4VerifierTest, RejectsChangedSignedHeader) {
  Signed s;
  s.signed_headers = {"host", "x-amz-date", "x-custom"};
  s.Sign();
  s.headers.push_back({"X-Custom", "a"});  // signed as absent
  EXPECT_TRUE(Verify(s));
}

TEST(SigV4VerifierTest, UnsignedPayloadOnlyWhenDeclared) {
  Signed s;
  s.Sign();
  // A declared hash is not trusted: the body's own is used.
  EXPECT_TRUE(Verify(s, R"({"k":2})", s.target, &kCredential, kNow, Sha256Hex(s.body)));
  // UNSIGNED-PAYLOAD changes what was signed, so the original signature no longer fits...
  EXPECT_TRUE(Verify(s, s.body, s.target, &kCredential, kNow, "UNSIGNED-PAYLOAD"));
  // ...but a request signed with it verifies whatever its body.
  s.payload_hash = "UNSIGNED-PAYLOAD";
  s.Sign();
  EXPECT_EQ(Verify(s, R"({"any":"body"})", s.target, &kCredential, kNow, "UNSIGNED-PAYLOAD"), std::nullopt);
}

TEST(SigV4VerifierTest, ExpiredAndNotYetCurrent) {
  Signed s;
  s.amz_date = "20261201T115430Z";
  s.Sign();
  const std::optional<AuthFailure> expired = Verify(s);
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->exception, "InvalidSignatureException");
  EXPECT_EQ(expired->message,
            "Signature expired: 20261201T115430Z is now earlier than 20261201T115500Z (20261201T120000Z - 5 min.)");
  s.amz_date = "20261201T121501Z";
  s.Sign();
  const std::optional<AuthFailure> future = Verify(s);
  ASSERT_TRUE(future);
  EXPECT_EQ(future->message,
            "Signature not yet current: 20261201T121501Z is still later than 20261201T121500Z "
            "(20261201T120000Z + 15 min.)");
  EXPECT_EQ(SigV4RulesFor("monitoring").max_past, Duration::Minutes(15));
}

TEST(SigV4VerifierTest, HostMustBeSigned) {
  Signed s;
  s.signed_headers = {"x-amz-date"};
  s.Sign();
  const std::optional<AuthFailure> f = Verify(s);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->message, "'Host' must be a 'SignedHeader' in the AWS Authorization.");
}

TEST(SigV4VerifierTest, ScopeChecksConcatenated) {
  Signed s;
  s.region = "nowhere";
  s.service = "monitoring";
  s.Sign();
  s.authorization.replace(s.authorization.find("/aws4_request"), 13, "/aws5_request");
  s.authorization.replace(s.authorization.find("/20261201/"), 10, "/20261130/");
  const std::optional<AuthFailure> f = Verify(s);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->exception, "InvalidSignatureException");
  EXPECT_EQ(f->message,
            "Credential should be scoped to a valid region, not 'nowhere'. "
            "Credential should be scoped to correct service: 'lambda'. "
            "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            "'20261130' != '20261201', from '20261201T120000Z'.");
}

TEST(SigV4VerifierTest, UnknownKeyAndWrongSessionToken) {
  Signed s;
  s.Sign();
  const std::optional<AuthFailure> unknown = Verify(s, s.body, s.target, nullptr);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->exception, "UnrecognizedClientException");
  EXPECT_EQ(unknown->message, "The security token included in the request is invalid.");
  EXPECT_EQ(unknown->query_code, "InvalidClientTokenId");
  const SigV4Credential with_token{"right-secret", "123456789012", "tok"};
  EXPECT_TRUE(Verify(s, s.body, s.target, &with_token, kNow, "", "other"));
  EXPECT_EQ(Verify(s, s.body, s.target, &with_token, kNow, "", "tok"), std::nullopt);
}

TEST(SigV4VerifierTest, DateHeaderInHttpForm) {
  Signed s;
  s.amz_date = "20261201T120000Z";
  s.Sign();
  const SigV4ParseResult parsed = ParseSigV4Authorization(s.authorization, "", "Tue, 01 Dec 2026 12:00:00 GMT");
  const auto* auth = std::get_if<SigV4Authorization>(&parsed);
  ASSERT_NE(auth, nullptr);
  SigV4Request request{SigV4Message{"POST", s.target, s.headers}, s.body, "", "Tue, 01 Dec 2026 12:00:00 GMT", "",
                       ""};
  EXPECT_EQ(VerifySigV4(*auth, request, &kCredential, SigV4RulesFor("lambda"), kNow), std::nullopt);
}

TEST(SigV4SignatureTest, ComparesInFull) {
  EXPECT_TRUE(SignaturesEqual("abc", "abc"));
  EXPECT_FALSE(SignaturesEqual("abc", "abd"));
  EXPECT_FALSE(SignaturesEqual("abc", "ab"));
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(FormatSigV4Time(kNow), "20261201T120000Z");
}

}  // namespace
}  // namespace hr::wire
