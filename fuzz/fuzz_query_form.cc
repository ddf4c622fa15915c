// Fuzz target: awsQuery form bodies (Action=...&Version=...&A.member.1.B=x) as CloudWatch and
// SNS receive them: wire::DecodeQueryRequest walking each model's input shape, validation, and
// the XML reply walking the output shape (server::RpcService with echoing handlers, so the
// decoded input is encoded back; fuzz/echo_rpc_service.h). Every input goes to both services.
//
// Input: the form body.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "echo_rpc_service.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static hr::server::RpcService cloudwatch =
      hr::fuzz::EchoRpcService(hr::wire::CloudWatchModel(), hr::fuzz::kCloudWatchDialect);
  static hr::server::RpcService sns = hr::fuzz::EchoRpcService(hr::wire::SnsModel(), hr::fuzz::kSnsDialect);
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const hr::Timestamp now = hr::Timestamp::FromUnixNanos(1'700'000'000'000'000'000);
  for (hr::server::RpcService* service : {&cloudwatch, &sns}) {
    (void)service->Serve(hr::server::RpcProtocol::kQuery, "", body, "000000000000", "us-east-1",
                         now, "request-id");
  }
  return 0;
}
