#pragma once
// EventInvokeConfig: how Lambda treats a version's or alias's asynchronous invocations —
// retry attempts, maximum event age and the success/failure destinations (spec §1.2,
// PutFunctionEventInvokeConfig). The async queue (the invoke issue) reads it; the
// control plane stores it per qualifier.
//
// Pure values: no I/O. Any thread (no sharing).

#include <cstdint>
#include <optional>
#include <string>

#include "base/time.h"

namespace hr::engine {

// A Put replaces the whole config with these fields (absent ones are removed); an Update
// changes only the fields present. A destination given without an ARN is `""`.
struct EventInvokeChange {
  std::optional<std::int32_t> maximum_retry_attempts;
  std::optional<std::int32_t> maximum_event_age_seconds;
  std::optional<std::string> on_success;
  std::optional<std::string> on_failure;
};

struct EventInvokeConfig {
  std::optional<std::int32_t> maximum_retry_attempts;
  std::optional<std::int32_t> maximum_event_age_seconds;
  std::string on_success;  // destination ARN, empty when none
  std::string on_failure;
  Timestamp last_modified;
};

struct EventInvokeConfigView {
  std::string function_arn;  // qualified: ":$LATEST", ":7" or ":alias"
  EventInvokeConfig config;
};

}  // namespace hr::engine
