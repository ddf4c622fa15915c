#include "server/code_package.h"

#include "server/base64.h"

#include <openssl/sha.h>

namespace hr::server {
namespace {

Status Invalid() {
  return Status(ErrorCode::kInvalidParameter,
                "Could not unzip uploaded file. Please check your file, then try to upload again.");
}

}  // namespace

StatusOr<CodePackage> DecodeCodePackage(std::string_view base64) {
  std::optional<std::string> zip = DecodeBase64(base64);
  if (!zip || zip->empty()) return Invalid();
  CodePackage p;
  p.zip = std::move(*zip);
  if (p.zip.size() < 4 || p.zip.compare(0, 2, "PK") != 0) return Invalid();
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(p.zip.data()), p.zip.size(), digest);
  p.sha256 = EncodeBase64(std::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char byte : digest) {
    p.key += kHex[byte >> 4];
    p.key += kHex[byte & 0xF];
  }
  p.size = static_cast<std::int64_t>(p.zip.size());
  return p;
}

}  // namespace hr::server
