#pragma once
// EchoRpcService: a server::RpcService on one service model whose every operation answers
// its decoded input as its output, for the fuzz targets of the JSON and query protocols. The
// request runs through the server's own decoding (query forms or JSON bodies), validation
// against the model and reply encoding (JSON, or XML walking the output shape); only the
// handlers are stand-ins. The dialects are the ones server/server.cc gives each service.
// One per target, built once; single-threaded (libFuzzer calls the target on one thread).

#include <mutex>
#include <string>
#include <vector>

#include "server/rpc_service.h"
#include "wire/service_model.h"

namespace hr::fuzz {

inline server::RpcService EchoRpcService(const wire::ServiceModel& model,
                                         server::RpcService::JsonDialect dialect) {
  static std::mutex write_mutex;
  std::vector<server::RpcOperation> operations;
  for (const wire::Operation& op : model.operations) {
    operations.push_back({op.name, false, [](const server::RpcCall& call) {
                            server::RpcReply reply;
                            reply.output = call.input;
                            return reply;
                          }});
  }
  return server::RpcService(model, std::string(model.name), std::move(dialect), nullptr,
                            write_mutex, std::move(operations));
}

inline const server::RpcService::JsonDialect kCloudWatchDialect{"application/x-amz-json-1.0", true,
                                                                "message", "ValidationError"};
inline const server::RpcService::JsonDialect kSnsDialect{"application/x-amz-json-1.0", false,
                                                         "message", "ValidationError"};
inline const server::RpcService::JsonDialect kServiceQuotasDialect{
    "application/x-amz-json-1.1", false, "Message", "ValidationException"};

// Serves `input` = "Operation\n" + JSON body over the JSON protocol.
inline void ServeJson(server::RpcService& service, std::string_view input) {
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return;
  (void)service.Serve(server::RpcProtocol::kJson, input.substr(0, newline),
                      input.substr(newline + 1), "000000000000", "us-east-1",
                      Timestamp::FromUnixNanos(1'700'000'000'000'000'000), "request-id");
}

}  // namespace hr::fuzz
