#pragma once
// PostJson: one HTTP/1.1 POST of a JSON body to an http:// URL, blocking, with a timeout, for
// SNS's http subscriptions. Returns "delivered (<status>)" or why it failed. Any thread;
// callers run it off the I/O threads.

#include <string>
#include <utility>
#include <vector>

namespace hr::server {

std::string PostJson(const std::string& url, const std::string& body,
                     const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace hr::server
