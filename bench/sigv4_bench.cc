// What strict SigV4 costs a request: parsing the Authorization header and verifying it
// (canonical request, SHA-256 of the body, the HMAC chain) for an Invoke-sized request.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "base/iso_time.h"
#include "wire/sigv4_authorization.h"
#include "wire/sigv4_canonical_request.h"
#include "wire/sigv4_signature.h"
#include "wire/sigv4_verifier.h"

namespace {

using namespace hr::wire;

void BM_VerifySigV4(benchmark::State& state) {
  const std::string body(static_cast<std::size_t>(state.range(0)), 'x');
  const std::string target = "/2015-03-31/functions/my-function/invocations";
  const std::string date = "20261201T120000Z";
  const std::vector<SigV4Header> headers = {
      {"Host", "127.0.0.1:4599"}, {"User-Agent", "Boto3/1.43.11 md/Botocore#1.43.11"},
      {"X-Amz-Date", date}, {"X-Amz-Invocation-Type", "RequestResponse"}, {"Content-Length", "1024"}};
  const std::vector<std::string> signed_headers = {"host", "x-amz-date", "x-amz-invocation-type"};
  const std::string canonical = SigV4CanonicalRequest(SigV4Message{"POST", target, headers}, signed_headers,
                                                      Sha256Hex(body));
  const std::string signature =
      SigV4Signature("secret", "20261201", "us-east-1", "lambda",
                     SigV4StringToSign(date, SigV4Scope("20261201", "us-east-1", "lambda"), canonical));
  const std::string authorization =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261201/us-east-1/lambda/aws4_request, "
      "SignedHeaders=host;x-amz-date;x-amz-invocation-type, Signature=" + signature;
  const SigV4Credential credential{"secret", "123456789012", ""};
  const hr::Timestamp now = *hr::ParseIsoTimestamp("2026-12-01T12:00:30Z");
  const SigV4Rules rules = SigV4RulesFor("lambda");
  for (auto _ : state) {
    const SigV4ParseResult parsed = ParseSigV4Authorization(authorization, date, "");
    const SigV4Request request{SigV4Message{"POST", target, headers}, body, date, "", "", ""};
    auto failure = VerifySigV4(std::get<SigV4Authorization>(parsed), request, &credential, rules, now);
    if (failure) state.SkipWithError("did not verify");
    benchmark::DoNotOptimize(failure);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_VerifySigV4)->Arg(0)->Arg(1024)->Arg(1 << 20);

}  // namespace
