#pragma once
// CredentialStore: the secrets strict SigV4 verification checks signatures against
// (`--auth strict`), and the account each access key id acts for.
//
// Two kinds of keys:
//   * the credentials file's (`--credentials FILE`), a YAML map of access key id to its
//     secret, account and optional session token:
//         AKIAIOSFODNN7EXAMPLE:
//           secret_access_key: wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
//           account_id: "111111111111"
//           session_token: optional   # when set, X-Amz-Security-Token must equal it
//   * the functions' own: every execution environment gets ASIAHRFN<account> with a secret
//     and session token derived (HMAC-SHA256) from a key this server drew at start, so that an
//     SDK inside a function signs requests that verify for the function's account, and no one
//     who does not know the server's key can forge one. They last as long as the server (its
//     environments die with it).
//
// Loaded once at start-up; const afterwards, so any thread may read it.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "wire/sigv4_verifier.h"

namespace hr::server {

// What a function's process gets as AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN.
struct FunctionCredential {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
};

class CredentialStore {
 public:
  // No file keys; `server_key` derives the functions' keys (a random one in production).
  explicit CredentialStore(std::string server_key);

  // Reads `path` (format above) into the store. Errors: kInvalidParameter naming the file and
  // the entry (unreadable, not a map, a missing or empty secret, an account id that is not
  // 12 digits).
  Status LoadFile(const std::string& path);

  // The credential `access_key_id` signs with, nullopt when it is unknown.
  std::optional<wire::SigV4Credential> Find(std::string_view access_key_id) const;

  // The key of a function running for `account` (12 digits).
  FunctionCredential ForFunction(std::string_view account) const;

  std::size_t file_entries() const { return file_.size(); }

 private:
  std::string Derive(std::string_view purpose, std::string_view account) const;

  const std::string server_key_;
  std::map<std::string, wire::SigV4Credential, std::less<>> file_;
};

// A fresh random server key (32 bytes from the OS, hex).
std::string RandomServerKey();

}  // namespace hr::server
