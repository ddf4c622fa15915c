#include "net/response_serializer.h"

#include <charconv>
#include <ostream>  // Boost 1.81 boost/core/detail/string_view.hpp uses it without including it

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>

namespace hr::net {
namespace {

using boost::beast::iequals;

bool IsManaged(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") ||
         iequals(name, "Connection") || iequals(name, "Date");
}

bool IsSafe(const Header& header) {
  constexpr std::string_view kBreaking("\r\n\0", 3);
  return !header.name.empty() && header.name.find_first_of(kBreaking) == std::string::npos &&
         header.name.find(':') == std::string::npos &&
         header.value.find_first_of(kBreaking) == std::string::npos;
}

void AppendNumber(std::uint64_t n, std::string* out) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof(digits), n);
  out->append(digits, result.ptr);
}

}  // namespace

bool SendsBody(unsigned status, bool head_request) {
  return !head_request && status >= 200 && status != 204 && status != 304;
}

bool AsksToClose(const Response& response) {
  for (const Header& header : response.headers) {
    if (!iequals(header.name, "Connection")) continue;
    // A comma-separated list of tokens; look for "close" among them.
    std::string_view rest = header.value;
    for (;;) {
      const std::size_t comma = rest.find(',');
      std::string_view token = rest.substr(0, comma);
      const std::size_t first = token.find_first_not_of(" \t");
      if (first != std::string_view::npos) {
        token = token.substr(first, token.find_last_not_of(" \t") - first + 1);
        if (iequals(token, "close")) return true;
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return false;
}

void AppendHead(const Response& response, const Framing& framing, std::string_view date,
                std::string* out) {
  const auto status = static_cast<boost::beast::http::status>(response.status);
  std::string_view reason = boost::beast::http::obsolete_reason(status);
  if (reason.empty() || reason.front() == '<') reason = "Status";  // "<unknown-status>"
  out->append("HTTP/1.1 ");
  AppendNumber(response.status, out);
  out->push_back(' ');
  out->append(reason);
  out->append("\r\n");
  for (const Header& header : response.headers) {
    if (IsManaged(header.name) || !IsSafe(header)) continue;
    out->append(header.name);
    out->append(": ");
    out->append(header.value);
    out->append("\r\n");
  }
  out->append("Date: ");
  out->append(date);
  out->append("\r\n");
  // RFC 9110 8.6: no Content-Length in a 204; in a 304 it would describe the cached body.
  if (response.status != 204 && response.status != 304) {
    out->append("Content-Length: ");
    AppendNumber(response.body.size(), out);
    out->append("\r\n");
  }
  if (framing.close) {
    out->append("Connection: close\r\n");
  } else if (framing.http10_keep_alive) {
    out->append("Connection: keep-alive\r\n");
  }
  out->append("\r\n");
}

}  // namespace hr::net
