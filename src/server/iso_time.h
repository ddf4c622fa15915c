#pragma once
// Lambda's timestamp texts, UTC with milliseconds: "2026-11-22T05:31:21.123+0000" as AWS prints
// FunctionConfiguration.LastModified and the provisioned-concurrency LastModified, and
// "2026-11-22T05:31:21.123Z" as in an async invocation record. Pure; any thread.

#include <string>

#include "base/time.h"

namespace hr::server {

std::string FormatLambdaTimestamp(Timestamp t);
std::string FormatIsoMillis(Timestamp t);

}  // namespace hr::server
