#pragma once
// Base64 (RFC 4648, with padding), as AWS uses it: ZipFile in CreateFunction, CodeSha256,
// X-Amz-Client-Context, X-Amz-Log-Result. Any thread.

#include <optional>
#include <string>
#include <string_view>

namespace hr::server {

std::string EncodeBase64(std::string_view bytes);
// The bytes, or nullopt when `text` is not base64 (line breaks and spaces are ignored).
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace hr::server
