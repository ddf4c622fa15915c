#pragma once
// Fetch: one blocking HTTP/1.1 request to an http:// or https:// URL, with a timeout — SNS's
// http/https subscriptions and the `headroom quota` admin commands. https does not verify the
// peer's certificate (its endpoints are local, usually self-signed). Any thread; servers call it off
// their I/O threads.

#include <string>
#include <utility>
#include <vector>

namespace hr::server {

struct HttpResult {
  int status = 0;     // 0: no response (error says why)
  std::string body;
  std::string error;  // empty when a response arrived
};

HttpResult Fetch(const std::string& method, const std::string& url, const std::string& body,
                 const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace hr::server
