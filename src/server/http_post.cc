#include "server/http_post.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

namespace hr::server {

std::string PostJson(const std::string& url, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& headers) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http") return "failed: only http:// endpoints are delivered";
  const std::string host(parsed->host());
  const std::string port = parsed->has_port() ? std::string(parsed->port()) : "80";
  std::string target(parsed->encoded_path());
  if (target.empty()) target = "/";
  if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(resolver.resolve(host, port));
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::host, host + ":" + port);
    request.set(http::field::content_type, "text/plain; charset=UTF-8");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    beast::error_code ec;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    return "delivered (" + std::to_string(response.result_int()) + ")";
  } catch (const std::exception& e) {
    return std::string("failed: ") + e.what();
  }
}

}  // namespace hr::server
