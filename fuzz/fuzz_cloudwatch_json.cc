// Fuzz target: CloudWatch over JSON 1.0 (X-Amz-Target GraniteServiceVersion20100801.<Op>): the
// body parse, validation against the CloudWatch model and the reply encoding of
// server::RpcService, with echoing handlers (fuzz/echo_rpc_service.h).
//
// Input: "Operation\n" then the JSON body.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "echo_rpc_service.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static hr::server::RpcService service =
      hr::fuzz::EchoRpcService(hr::wire::CloudWatchModel(), hr::fuzz::kCloudWatchDialect);
  hr::fuzz::ServeJson(service, std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
