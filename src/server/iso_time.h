#pragma once
// Lambda's timestamp text: "2026-11-22T05:31:21.123+0000" (UTC, milliseconds), as AWS prints
// FunctionConfiguration.LastModified and the provisioned-concurrency LastModified.
// Pure; any thread.

#include <string>

#include "base/time.h"

namespace hr::server {

std::string FormatLambdaTimestamp(Timestamp t);

}  // namespace hr::server
