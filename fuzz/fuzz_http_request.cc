// Fuzz target: bytes as a client sends them on one connection. They are parsed by Beast's
// request parser configured as net::Connection configures it (net::Limits' defaults; eager
// body parsing once the header is complete), fed in slices as reads would deliver them, and
// every complete request (pipelined ones too) goes through what the server does first with
// it: the SigV4 Authorization parse (wire/sigv4_authorization.h) and the Lambda decode
// (server::PrepareLambdaRequest: route, JSON body, model validation).
//
// Input: the first byte picks the slice size (1 to 64 bytes per read); the rest is the stream.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/json.hpp>

#include "net/beast_parser.h"
#include "net/limits.h"
#include "net/request.h"
#include "server/lambda_service.h"
#include "wire/rest_router.h"
#include "wire/service_model.h"
#include "wire/sigv4_authorization.h"

namespace {

namespace http = boost::beast::http;
using Parser = http::request_parser<http::string_body>;

void Handle(hr::net::Request request) {
  static const hr::wire::RestRouter router(hr::wire::LambdaModel());
  const hr::wire::SigV4ParseResult auth = hr::wire::ParseSigV4Authorization(
      request.Header("Authorization"), request.Header("X-Amz-Date"), request.Header("Date"));
  if (const auto* parsed = std::get_if<hr::wire::SigV4Authorization>(&auth)) {
    (void)hr::wire::AccountForAccessKey(parsed->access_key_id, "000000000000");
  }
  const std::string endpoint = "http://" + std::string(request.Header("Host"));
  const hr::server::LambdaRequest lambda{request.Method(), request.Target(), request.Body(),
                                         "000000000000",   "us-east-1",      endpoint,
                                         &request,         "request-id"};
  hr::wire::RouteMatch route;
  boost::json::value json;
  (void)hr::server::PrepareLambdaRequest(router, lambda, route, json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t slice = 1 + data[0] % 64;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  const hr::net::Limits limits;

  std::string buffered;  // received, not yet parsed
  std::size_t fed = 0;
  for (int requests = 0; requests < 16; ++requests) {
    Parser parser;
    parser.header_limit(limits.max_header_bytes);
    parser.body_limit(limits.max_body_bytes);
    bool header_done = false;
    for (;;) {
      if (!hr::net::ReadyToParse(parser, buffered)) {  // as Connection::Parse
        if (fed == stream.size()) return 0;
        const std::string_view more = stream.substr(fed, slice);
        buffered.append(more);
        fed += more.size();
        continue;
      }
      boost::system::error_code ec;
      const std::size_t used = parser.put(boost::asio::buffer(buffered), ec);
      buffered.erase(0, used);
      if (ec && ec != http::error::need_more) return 0;  // the server answers 4xx and closes
      if (!header_done && parser.is_header_done()) {
        header_done = true;
        parser.eager(true);
      }
      if (parser.is_done()) break;
      if (ec || used == 0 || buffered.empty()) {
        if (fed == stream.size()) return 0;  // the client stopped mid-request
        const std::string_view more = stream.substr(fed, slice);
        buffered.append(more);
        fed += more.size();
      }
    }
    const bool keep_alive = parser.keep_alive();
    Handle(hr::net::Request(parser.release(), {}));
    if (!keep_alive) return 0;
    buffered.append(stream.substr(fed));
    fed = stream.size();
  }
  return 0;
}
