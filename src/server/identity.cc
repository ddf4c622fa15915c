#include "server/identity.h"

#include <variant>

#include "wire/json_response.h"
#include "wire/sigv4_authorization.h"

namespace hr::server {

std::optional<Caller> IdentifyCaller(const net::Request& request, const ServerSettings& settings,
                                     net::Response* error) {
  const wire::SigV4ParseResult parsed = wire::ParseSigV4Authorization(
      request.Header("Authorization"), request.Header("X-Amz-Date"), request.Header("Date"));
  if (const auto* failure = std::get_if<wire::AuthFailure>(&parsed)) {
    error->status = failure->lambda_status;
    error->headers = {{"x-amzn-ErrorType", std::string(failure->exception)},
                      {"Content-Type", "application/json"}};
    error->body.clear();
    wire::JsonObjectWriter(&error->body).String("message", failure->message).Close();
    return std::nullopt;
  }
  Caller caller{settings.default_account, settings.default_region};
  if (const auto* auth = std::get_if<wire::SigV4Authorization>(&parsed)) {
    caller.account = wire::AccountForAccessKey(auth->access_key_id, settings.default_account);
    if (!auth->region.empty()) caller.region = auth->region;
  }
  return caller;
}

}  // namespace hr::server
