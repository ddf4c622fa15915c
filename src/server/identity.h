#pragma once
// Authenticator: who a request acts for — the account and Region taken from its SigV4
// credential (architecture.md, "Identity and security") — and, in strict mode, whether the
// request is authentic at all.
//
//   permissive (the default): any well-formed Authorization header is accepted unverified; a
//     key of the credentials file acts for its account_id, a 12-digit access key id IS the
//     account id, any other key (or an unsigned request) acts for the default account. The
//     Region is the credential scope's, else the default Region. A malformed header gets
//     AWS's error (spec §7.2 rows 1-3, 6, 7).
//   strict (`--auth strict`): every request must be signed by a key the CredentialStore
//     knows (the file's, or a function's own), and the signature must verify
//     (wire/sigv4_verifier.h: clock skew, host signed, credential scope, key, session token,
//     signature). The account is the key's, the Region the credential scope's.
//
// The skew check uses the wall clock the server is given (the real one, always: clients sign
// with real time, whatever --clock says the server's simulated time is).
// Const after construction; any thread.

#include <string>
#include <string_view>
#include <variant>

#include "base/clock.h"
#include "net/request.h"
#include "net/response.h"
#include "server/credentials.h"
#include "server/settings.h"
#include "wire/sigv4_authorization.h"

namespace hr::server {

struct Caller {
  std::string account;
  std::string region;
};

class Authenticator {
 public:
  // All three outlive the Authenticator.
  Authenticator(const ServerSettings& settings, const CredentialStore& credentials, const Clock& wall_clock);

  // The caller of `request`, which is addressed to the AWS service whose credential-scope name
  // is `service` ("lambda", "monitoring", "sns", "servicequotas"), or AWS's failure.
  std::variant<Caller, wire::AuthFailure> Identify(const net::Request& request, std::string_view service) const;

 private:
  const ServerSettings& settings_;
  const CredentialStore& credentials_;
  const Clock& wall_clock_;
};

// A failure as Lambda (rest-json) sends it: the Lambda status, x-amzn-ErrorType and
// {"message": ...}.
net::Response LambdaAuthError(const wire::AuthFailure& failure);

}  // namespace hr::server
