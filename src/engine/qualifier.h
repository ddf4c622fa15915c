#pragma once
// How the engine reads a qualifier: "$LATEST", a published version's number or an alias
// name, and the errors the Account's implementation files share. Shared by the Account's implementation files; not part of its interface.
//
// Pure: no I/O. Any thread.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hr::engine {

inline constexpr std::string_view kLatest = "$LATEST";

// A published version number, or nullopt when `q` is not all digits (an alias name).
// Numbers too large to exist map to UINT32_MAX.
inline std::optional<std::uint32_t> VersionNumber(std::string_view q) {
  if (q.empty() || !std::all_of(q.begin(), q.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::uint32_t n = 0;
  auto [ptr, ec] = std::from_chars(q.data(), q.data() + q.size(), n);
  if (ec != std::errc() || ptr != q.data() + q.size()) return UINT32_MAX;
  return n;
}

// True when `q` has an alias name's form (AWS's Alias pattern, not all digits).
inline bool IsAliasName(std::string_view q) {
  return !q.empty() && !VersionNumber(q) && std::all_of(q.begin(), q.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
  });
}

// The error of an operation that takes only an unqualified function.
inline Status QualifiedNotAllowed() {
  return Status(ErrorCode::kInvalidParameter,
                "This operation is permitted on Lambda functions only. Aliases and versions do not "
                "support this operation. Please specify either a function name or an unqualified "
                "function ARN.");
}

// A RevisionId precondition that failed; `api` is the call AWS points at to read the current
// one: "GetFunction/GetAlias", or "GetPolicy" for the permission operations (AWS-recorded).
inline Status RevisionMismatch(std::string_view api = "GetFunction/GetAlias") {
  return Status(ErrorCode::kPreconditionFailed,
                "The Revision Id provided does not match the latest Revision Id. Call the " +
                    std::string(api) + " API to retrieve the latest Revision Id");
}

}  // namespace hr::engine
