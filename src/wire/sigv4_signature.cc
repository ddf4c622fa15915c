#include "wire/sigv4_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <array>
#include <string>

namespace hr::wire {
namespace {

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

std::string Hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

Digest Hmac(const void* key, std::size_t key_size, std::string_view data) {
  Digest out{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), key, static_cast<int>(key_size), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out.data(), &size);
  return out;
}

Digest Hmac(const Digest& key, std::string_view data) { return Hmac(key.data(), key.size(), data); }

}  // namespace

std::string Sha256Hex(std::string_view data) {
  Digest digest{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
  return Hex(digest.data(), digest.size());
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  const Digest digest = Hmac(key.data(), key.size(), data);
  return Hex(digest.data(), digest.size());
}

std::string SigV4Scope(std::string_view yyyymmdd, std::string_view region, std::string_view service) {
  std::string scope;
  scope.reserve(yyyymmdd.size() + region.size() + service.size() + 16);
  scope.append(yyyymmdd).append("/").append(region).append("/").append(service).append("/aws4_request");
  return scope;
}

std::string SigV4StringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view canonical_request) {
  std::string s = "AWS4-HMAC-SHA256\n";
  s.append(amz_date).append("\n").append(scope).append("\n").append(Sha256Hex(canonical_request));
  return s;
}

std::string SigV4Signature(std::string_view secret, std::string_view yyyymmdd, std::string_view region,
                           std::string_view service, std::string_view string_to_sign) {
  std::string first_key = "AWS4";
  first_key.append(secret);
  const Digest date_key = Hmac(first_key.data(), first_key.size(), yyyymmdd);
  OPENSSL_cleanse(first_key.data(), first_key.size());
  const Digest signing_key = Hmac(Hmac(Hmac(date_key, region), service), "aws4_request");
  const Digest signature = Hmac(signing_key, string_to_sign);
  return Hex(signature.data(), signature.size());
}

bool SignaturesEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace hr::wire
