#pragma once
// Who a request acts for: the account and Region taken from its SigV4 credential
// (architecture.md, "Identity and security"). A 12-digit access key id is the account id;
// any other key, or an unsigned request, acts for the configured default account. The Region
// is the credential scope's, else the default Region. Signatures are not verified yet
// (permissive mode); a malformed Authorization header gets AWS's error.
// Pure apart from reading the request; any thread.

#include <optional>
#include <string>

#include "net/request.h"
#include "net/response.h"
#include "server/settings.h"

namespace hr::server {

struct Caller {
  std::string account;
  std::string region;
};

// The caller, or nullopt with `*error` set to the Lambda (rest-json) error response.
std::optional<Caller> IdentifyCaller(const net::Request& request, const ServerSettings& settings,
                                     net::Response* error);

}  // namespace hr::server
