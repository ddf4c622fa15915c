#pragma once
// NewRequestId: a random UUID (version 4) for x-amzn-RequestId, e.g.
// "c0ffee00-1234-4abc-8def-0123456789ab". Any thread (a generator per thread).

#include <string>

namespace hr::server {

std::string NewRequestId();

}  // namespace hr::server
