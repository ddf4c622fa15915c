#pragma once
// InvocationResult: how one admitted invocation ended, whoever ran it (the simulated runtime
// or a real environment, server/execution.h), as Invoke renders it and as Release needs it.
// A plain value.

#include <string>

#include "base/time.h"

namespace hr::server {

struct InvocationResult {
  std::string payload;          // the function's response, or its error document
  bool function_error = false;  // X-Amz-Function-Error: Unhandled
  bool reuse_environment = true;  // false: the environment is replaced (timeout, crash, init error)
  Duration duration;            // the invocation's own time (Init excluded)
  Duration init;                // Init Duration, on a cold start
  std::string log;              // what the function wrote while it ran
};

}  // namespace hr::server
