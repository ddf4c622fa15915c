// Fuzz target: wire::ParseSigV4Authorization (the Authorization, X-Amz-Date and Date headers)
// and the account its access key id maps to.
//
// Input: the Authorization value, then "\n" and X-Amz-Date, then "\n" and Date (missing parts
// are absent headers).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "wire/sigv4_authorization.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view parts[3];
  for (std::string_view& part : parts) {
    const std::size_t newline = rest.find('\n');
    part = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
  }
  const hr::wire::SigV4ParseResult result = hr::wire::ParseSigV4Authorization(parts[0], parts[1], parts[2]);
  if (const auto* auth = std::get_if<hr::wire::SigV4Authorization>(&result)) {
    (void)hr::wire::AccountForAccessKey(auth->access_key_id, "000000000000");
  }
  return 0;
}
