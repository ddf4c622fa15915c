#include "server/identity.h"

#include <vector>

#include "wire/json_response.h"
#include "wire/sigv4_verifier.h"

namespace hr::server {

Authenticator::Authenticator(const ServerSettings& settings, const CredentialStore& credentials,
                             const Clock& wall_clock)
    : settings_(settings), credentials_(credentials), wall_clock_(wall_clock) {}

std::variant<Caller, wire::AuthFailure> Authenticator::Identify(const net::Request& request,
                                                                std::string_view service) const {
  const std::string_view x_amz_date = request.Header("X-Amz-Date");
  const std::string_view date_header = request.Header("Date");
  wire::SigV4ParseResult parsed =
      wire::ParseSigV4Authorization(request.Header("Authorization"), x_amz_date, date_header);
  if (auto* failure = std::get_if<wire::AuthFailure>(&parsed)) return std::move(*failure);
  const auto* auth = std::get_if<wire::SigV4Authorization>(&parsed);
  if (auth == nullptr) {  // unsigned
    if (settings_.strict_auth) return wire::MissingAuthenticationToken();
    return Caller{settings_.default_account, settings_.default_region};
  }
  const std::optional<wire::SigV4Credential> credential = credentials_.Find(auth->access_key_id);
  if (!settings_.strict_auth) {
    Caller caller{credential ? credential->account
                             : wire::AccountForAccessKey(auth->access_key_id, settings_.default_account),
                  auth->region.empty() ? settings_.default_region : auth->region};
    return caller;
  }
  std::vector<wire::SigV4Header> headers;
  headers.reserve(16);
  for (const auto& field : request.Headers()) headers.push_back({field.name_string(), field.value()});
  const wire::SigV4Request signed_request{wire::SigV4Message{request.Method(), request.Target(), headers},
                                          request.Body(),
                                          x_amz_date,
                                          date_header,
                                          request.Header("X-Amz-Security-Token"),
                                          request.Header("X-Amz-Content-SHA256")};
  if (std::optional<wire::AuthFailure> failure =
          wire::VerifySigV4(*auth, signed_request, credential ? &*credential : nullptr, wire::SigV4RulesFor(service),
                            wall_clock_.Now())) {
    return std::move(*failure);
  }
  return Caller{credential->account, auth->region};
}

net::Response LambdaAuthError(const wire::AuthFailure& failure) {
  net::Response error;
  error.status = failure.lambda_status;
  error.headers = {{"x-amzn-ErrorType", std::string(failure.exception)}, {"Content-Type", "application/json"}};
  wire::JsonObjectWriter(&error.body).String("message", failure.message).Close();
  return error;
}

}  // namespace hr::server
