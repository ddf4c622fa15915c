#include "server/simulated_runtime.h"

#include <charconv>
#include <cstdlib>

namespace hr::server {
namespace {

constexpr std::int64_t kMaxMillis = 900'000;  // Lambda's longest Timeout

Status Invalid(std::string_view name, std::string_view accepted, std::string_view value) {
  return Status(ErrorCode::kInvalidParameter, std::string(name) + " must be " +
                                                  std::string(accepted) + ", not '" +
                                                  std::string(value) + "'.");
}

StatusOr<Duration> Millis(const std::map<std::string, std::string>& env, std::string_view name) {
  auto it = env.find(std::string(name));
  if (it == env.end()) return Duration::Nanos(0);
  const std::string& text = it->second;
  std::int64_t ms = -1;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
  if (ec != std::errc() || ptr != text.data() + text.size() || ms < 0 || ms > kMaxMillis) {
    return Invalid(name, "a whole number of milliseconds from 0 to 900000", text);
  }
  return Duration::Nanos(ms * 1'000'000);
}

}  // namespace

StatusOr<std::optional<SimulatedBehaviour>> SimulatedBehaviourOf(
    std::string_view handler, const std::map<std::string, std::string>& environment) {
  if (handler != kSimulatedHandler) return std::optional<SimulatedBehaviour>();
  SimulatedBehaviour b;
  HR_ASSIGN_OR_RETURN(b.duration, Millis(environment, "HEADROOM_SIM_DURATION_MS"));
  HR_ASSIGN_OR_RETURN(b.init, Millis(environment, "HEADROOM_SIM_INIT_MS"));
  if (auto it = environment.find("HEADROOM_SIM_ERROR_RATE"); it != environment.end()) {
    const std::string& text = it->second;
    char* end = nullptr;
    const double rate = text.empty() ? -1 : std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !(rate >= 0 && rate <= 1)) {
      return Invalid("HEADROOM_SIM_ERROR_RATE", "a number from 0 to 1", text);
    }
    b.error_rate = rate;
  }
  if (auto it = environment.find("HEADROOM_SIM_INIT_ERROR"); it != environment.end()) {
    if (it->second != "true" && it->second != "false") {
      return Invalid("HEADROOM_SIM_INIT_ERROR", "true or false", it->second);
    }
    b.init_error = it->second == "true";
  }
  return std::optional<SimulatedBehaviour>(b);
}

}  // namespace hr::server
