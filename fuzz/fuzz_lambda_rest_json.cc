// Fuzz target: a Lambda rest-json request's method, target and JSON body, through the decode
// every Lambda request goes through before its handler (server::PrepareLambdaRequest: the
// rest-json router, the body parse and the shape validator on the Lambda model).
//
// Input: "METHOD /target?query\n" then the body.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json.hpp>

#include "server/lambda_service.h"
#include "wire/rest_router.h"
#include "wire/service_model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const hr::wire::RestRouter router(hr::wire::LambdaModel());
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view line = input.substr(0, newline);
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return 0;
  const hr::server::LambdaRequest request{line.substr(0, space), line.substr(space + 1),
                                          input.substr(newline + 1), "000000000000", "us-east-1",
                                          "http://localhost", nullptr, "request-id"};
  hr::wire::RouteMatch route;
  boost::json::value json;
  (void)hr::server::PrepareLambdaRequest(router, request, route, json);
  return 0;
}
