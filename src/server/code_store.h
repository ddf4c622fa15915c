#pragma once
// CodeStore: the deployment packages, content-addressed on disk as
// <data-dir>/code/<sha256-hex>.zip. CreateFunction and UpdateFunctionCode put each zip here
// (a replayed write puts it again if it is missing), GetFunction's Code.Location points at
// GET /_headroom/code/<key>.zip, and execution (the invoke issue) unpacks from here.
//
// Thread-safe: writes go to a temporary file renamed into place, so a reader never sees a
// partial zip.

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hr::server {

class CodeStore {
 public:
  explicit CodeStore(std::string directory) : directory_(std::move(directory)) {}

  // Stores `zip` under `key` (its SHA-256 in hex) unless it is there already.
  // Errors: kInternal when the file cannot be written.
  Status Put(std::string_view key, std::string_view zip);
  // The zip stored under `key`; nullopt when there is none or `key` is not 64 hex digits.
  std::optional<std::string> Read(std::string_view key) const;

 private:
  std::string PathOf(std::string_view key) const;
  const std::string directory_;
};

// True when `key` looks like a CodeStore key (64 lowercase hex digits).
bool IsCodeKey(std::string_view key);

}  // namespace hr::server
