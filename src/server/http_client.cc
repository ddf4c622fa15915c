#include "server/http_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

namespace hr::server {

HttpResult Fetch(const std::string& method, const std::string& url, const std::string& body,
                 const std::vector<std::pair<std::string, std::string>>& headers) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  HttpResult result;
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https")) {
    result.error = "only http:// and https:// URLs are supported";
    return result;
  }
  const bool tls = parsed->scheme() == "https";
  const std::string host(parsed->host());
  const std::string port = parsed->has_port() ? std::string(parsed->port()) : (tls ? "443" : "80");
  std::string target(parsed->encoded_path());
  if (target.empty()) target = "/";
  if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::resolver resolver(io);
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, host + ":" + port);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    if (tls) {
      // Local endpoints: certificates are not verified (a self-signed one is the norm there).
      boost::asio::ssl::context context(boost::asio::ssl::context::tls_client);
      context.set_verify_mode(boost::asio::ssl::verify_none);
      beast::ssl_stream<beast::tcp_stream> stream(io, context);
      SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
      beast::get_lowest_layer(stream).connect(resolver.resolve(host, port));
      stream.handshake(boost::asio::ssl::stream_base::client);
      http::write(stream, request);
      // A peer that closes without TLS's close_notify ends a body read to EOF this way.
      beast::error_code ec;
      http::read(stream, buffer, response, ec);
      if (ec && ec != boost::asio::ssl::error::stream_truncated) throw beast::system_error(ec);
      stream.shutdown(ec);
    } else {
      beast::tcp_stream stream(io);
      stream.expires_after(std::chrono::seconds(5));
      stream.connect(resolver.resolve(host, port));
      http::write(stream, request);
      http::read(stream, buffer, response);
      beast::error_code ec;
      stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
    result.status = static_cast<int>(response.result_int());
    result.body = std::move(response.body());
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

}  // namespace hr::server
