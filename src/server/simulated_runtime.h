#pragma once
// The simulated runtime: a function whose Handler is `headroom.simulated` runs without a
// process, on timers, for load tests. Its behaviour comes from its environment variables:
//
//   HEADROOM_SIM_DURATION_MS   how long each invocation runs, in ms (default 0). Longer than
//                              the function's Timeout, it times out as a real one would.
//   HEADROOM_SIM_INIT_MS       how long a new environment's init takes, in ms (default 0);
//                              counts toward concurrency, as init does on AWS.
//   HEADROOM_SIM_ERROR_RATE    the fraction of invocations, 0 to 1, that end in a function
//                              error (X-Amz-Function-Error: Unhandled); default 0.
//   HEADROOM_SIM_INIT_ERROR    "true": every init fails (Runtime.* error; a provisioned config
//                              goes FAILED with FUNCTION_ERROR_INIT_FAILURE). Default false.
//
// Any runtime headroom accepts may be simulated. CreateFunction and UpdateFunctionConfiguration
// reject values that do not parse, with InvalidParameterValueException.
//
// Pure: no I/O. Any thread.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/time.h"

namespace hr::server {

inline constexpr std::string_view kSimulatedHandler = "headroom.simulated";

struct SimulatedBehaviour {
  Duration duration;
  Duration init;
  double error_rate = 0;
  bool init_error = false;
};

// The behaviour a function with `handler` and `environment` simulates, or nullopt when it is
// not simulated. Errors: kInvalidParameter naming the variable and the accepted values.
StatusOr<std::optional<SimulatedBehaviour>> SimulatedBehaviourOf(
    std::string_view handler, const std::map<std::string, std::string>& environment);

}  // namespace hr::server
