#include "server/credentials.h"

#include <openssl/rand.h>
#include <yaml-cpp/yaml.h>

#include <array>

#include "wire/sigv4_authorization.h"
#include "wire/sigv4_signature.h"

namespace hr::server {
namespace {

constexpr std::string_view kFunctionKeyPrefix = "ASIAHRFN";

Status Bad(const std::string& path, std::string_view why) {
  return Status(ErrorCode::kInvalidParameter, "credentials " + path + ": " + std::string(why));
}

}  // namespace

std::string RandomServerKey() {
  std::array<unsigned char, 32> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  return wire::Sha256Hex(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

CredentialStore::CredentialStore(std::string server_key) : server_key_(std::move(server_key)) {}

Status CredentialStore::LoadFile(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return Bad(path, std::string("cannot read: ") + e.what());
  }
  if (!root.IsMap()) return Bad(path, "expected a map of access key id to secret_access_key and account_id");
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    const YAML::Node& fields = entry.second;
    if (key.empty() || !fields.IsMap()) return Bad(path, "entry '" + key + "' must be a map");
    wire::SigV4Credential credential;
    for (const auto& field : fields) {
      const std::string name = field.first.Scalar();
      if (!field.second.IsScalar()) return Bad(path, "entry '" + key + "': " + name + " must be a scalar");
      const std::string value = field.second.Scalar();
      if (name == "secret_access_key") {
        credential.secret_access_key = value;
      } else if (name == "account_id") {
        credential.account = value;
      } else if (name == "session_token") {
        credential.session_token = value;
      } else {
        return Bad(path, "entry '" + key + "': unknown field " + name);
      }
    }
    if (credential.secret_access_key.empty()) return Bad(path, "entry '" + key + "' has no secret_access_key");
    if (!wire::IsAccountId(credential.account)) return Bad(path, "entry '" + key + "': account_id must be 12 digits");
    file_[key] = std::move(credential);
  }
  return Status::Ok();
}

std::string CredentialStore::Derive(std::string_view purpose, std::string_view account) const {
  std::string message(purpose);
  message += ':';
  message += account;
  return wire::HmacSha256Hex(server_key_, message).substr(0, 40);
}

std::optional<wire::SigV4Credential> CredentialStore::Find(std::string_view access_key_id) const {
  if (auto it = file_.find(access_key_id); it != file_.end()) return it->second;
  if (access_key_id.starts_with(kFunctionKeyPrefix)) {
    const std::string_view account = access_key_id.substr(kFunctionKeyPrefix.size());
    if (wire::IsAccountId(account)) {
      return wire::SigV4Credential{Derive("secret", account), std::string(account), Derive("token", account)};
    }
  }
  return std::nullopt;
}

FunctionCredential CredentialStore::ForFunction(std::string_view account) const {
  return FunctionCredential{std::string(kFunctionKeyPrefix) + std::string(account), Derive("secret", account),
                            Derive("token", account)};
}

}  // namespace hr::server
