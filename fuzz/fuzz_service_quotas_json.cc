// Fuzz target: Service Quotas over JSON 1.1 (X-Amz-Target ServiceQuotasV20190624.<Op>): the
// body parse, validation against the Service Quotas model and the reply encoding of
// server::RpcService, with echoing handlers (fuzz/echo_rpc_service.h).
//
// Input: "Operation\n" then the JSON body.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "echo_rpc_service.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static hr::server::RpcService service =
      hr::fuzz::EchoRpcService(hr::wire::ServiceQuotasModel(), hr::fuzz::kServiceQuotasDialect);
  hr::fuzz::ServeJson(service, std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
