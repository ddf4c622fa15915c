#include "server/code_package.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace hr::server {
namespace {

Status Invalid() {
  return Status(ErrorCode::kInvalidParameter,
                "Could not unzip uploaded file. Please check your file, then try to upload again.");
}

}  // namespace

StatusOr<CodePackage> DecodeCodePackage(std::string_view base64) {
  std::string clean;
  clean.reserve(base64.size());
  for (char c : base64) {
    if (c != '\n' && c != '\r' && c != ' ') clean += c;
  }
  if (clean.empty() || clean.size() % 4 != 0) return Invalid();
  CodePackage p;
  p.zip.resize(clean.size() / 4 * 3);
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(p.zip.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  if (n < 0) return Invalid();
  std::size_t size = static_cast<std::size_t>(n);
  if (clean.size() >= 1 && clean[clean.size() - 1] == '=') --size;  // EVP keeps padding bytes
  if (clean.size() >= 2 && clean[clean.size() - 2] == '=') --size;
  p.zip.resize(size);
  if (p.zip.size() < 4 || p.zip.compare(0, 2, "PK") != 0) return Invalid();
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(p.zip.data()), p.zip.size(), digest);
  p.sha256.resize(4 * ((SHA256_DIGEST_LENGTH + 2) / 3));
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(p.sha256.data()), digest, SHA256_DIGEST_LENGTH);
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char byte : digest) {
    p.key += kHex[byte >> 4];
    p.key += kHex[byte & 0xF];
  }
  p.size = static_cast<std::int64_t>(p.zip.size());
  return p;
}

}  // namespace hr::server
