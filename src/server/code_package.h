#pragma once
// CodePackage: a function's deployment package as CreateFunction/UpdateFunctionCode receive it
// (the base64 `ZipFile` of the JSON body), decoded, with the CodeSha256 and CodeSize AWS
// reports (base64 of the zip's SHA-256; its length in bytes), and its CodeStore key. Any thread.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hr::server {

struct CodePackage {
  std::string zip;     // the raw bytes
  std::string sha256;  // base64, as CodeSha256
  std::string key;     // hex SHA-256: its CodeStore key
  std::int64_t size = 0;
};

// Errors: kInvalidParameter when `base64` does not decode or is not a zip archive.
StatusOr<CodePackage> DecodeCodePackage(std::string_view base64);

}  // namespace hr::server
