#pragma once
// FunctionConfig: a function version's configuration, as plain values — the fields of
// AWS's FunctionConfiguration that the user sets or that AWS computes once and stores.
//
// The engine is the one registry of functions, so it holds one FunctionConfig per version:
// $LATEST's is mutable (CreateFunction, UpdateFunctionConfiguration, UpdateFunctionCode);
// a published version's is a snapshot of $LATEST taken by PublishVersion.
//
// Who fills what:
//   - The server fills everything it decodes or computes from the request: the user's
//     settings (runtime … ephemeral_storage_mb, after validating them against AWS's
//     model), the code fields (code_sha256, code_size, code_key: it stores the zip and
//     hashes it) and revision_id (a fresh UUID per change: pure code draws no random
//     numbers). The engine validates none of these values and treats code_key and
//     revision_id as opaque.
//   - The engine stamps last_modified with the command's `now` on every change (create,
//     configuration or code update, publish); a value passed in is overwritten.
//   - Fields AWS derives at response time (State, LastUpdateStatus, FunctionArn, Version)
//     are not stored: see Account::GetFunctionConfiguration's FunctionConfigView.
//
// Pure values: no I/O. Any thread (no sharing).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"

namespace hr::engine {

struct FunctionConfig {
  // ---- Set by the user ----------------------------------------------------------------
  std::string runtime;      // e.g. "python3.12"; empty for an Image package
  std::string handler;      // e.g. "index.handler"
  std::string role;         // the execution role's ARN
  std::string description;  // 0–256 characters
  std::int32_t memory_size = 128;           // MiB, 128–10,240
  std::int32_t timeout = 3;                 // seconds, 1–900
  std::map<std::string, std::string> environment;  // Environment.Variables
  bool has_environment = false;  // Environment was ever set (AWS omits it until then)
  std::vector<std::string> architectures{"x86_64"};  // "x86_64" or "arm64"
  std::int32_t ephemeral_storage_mb = 512;  // EphemeralStorage.Size, MiB, 512–10,240
  std::string package_type = "Zip";         // "Zip" or "Image"; fixed at creation

  // ---- Computed from the code by the server --------------------------------------------
  std::string code_sha256;    // base64 of the zip's SHA-256, as AWS prints CodeSha256
  std::int64_t code_size = 0;  // bytes
  std::string code_key;       // where the server stored the zip; opaque to the engine

  // ---- Identity of this state ----------------------------------------------------------
  std::string revision_id;  // opaque (a UUID the caller generates on every change)
  Timestamp last_modified;  // stamped by the engine

  bool operator==(const FunctionConfig&) const = default;
};

// New code for $LATEST (UpdateFunctionCode): replaces the code fields and the revision.
struct FunctionCodeUpdate {
  std::string code_sha256;
  std::int64_t code_size = 0;
  std::string code_key;
  std::string revision_id;  // $LATEST's new RevisionId
};

// Options of PublishVersion. The defaults publish unconditionally and leave the new
// version's RevisionId and Description as $LATEST's.
struct PublishVersionOptions {
  // AWS semantics (spec §1.2): when $LATEST's code and configuration equal those the newest
  // live published version was taken from, return that version's number and publish
  // nothing. The server passes true; the model's default is to always publish.
  bool only_if_changed = false;
  // PublishVersion's Description parameter: the new version's description (replaces the
  // one copied from $LATEST, which itself is unchanged). nullopt: keep $LATEST's.
  std::optional<std::string> description;
  // The new version's RevisionId. Empty: $LATEST's, copied.
  std::string revision_id;
  // $LATEST's new RevisionId (AWS gives $LATEST a new one on every publish). Empty: keep.
  std::string latest_revision_id;
  // PublishVersion's RevisionId: when non-empty it must equal $LATEST's (kPreconditionFailed).
  std::string expected_revision_id;
  // PublishVersion's CodeSha256: when non-empty it must equal $LATEST's (kInvalidParameter).
  std::string expected_code_sha256;
};

}  // namespace hr::engine
