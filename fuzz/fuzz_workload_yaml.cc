// Fuzz target: the simulator's workload parser (src/sim/workload.h) on arbitrary bytes. It
// must return a workload or an error with a line and column, never crash, hang or throw.
// Seeds: fuzz/corpus/workload_yaml/ (the examples/ workloads).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/workload.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto workload = hr::sim::ParseWorkload(text, "fuzz.yaml");
  if (!workload.ok() && workload.status().message().rfind("fuzz.yaml:", 0) != 0) __builtin_trap();
  return 0;
}
