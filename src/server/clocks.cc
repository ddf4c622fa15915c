#include "server/clocks.h"

#include <charconv>
#include <string>

namespace hr::server {
namespace {

Timestamp WallNow() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp::FromUnixNanos(
      std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count());
}

}  // namespace

Timestamp RealClock::Now() const { return WallNow(); }

ScaledClock::ScaledClock(double factor)
    : factor_(factor), start_(WallNow()), steady_start_(std::chrono::steady_clock::now()) {}

Timestamp ScaledClock::Now() const {
  const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::steady_clock::now() - steady_start_)
                           .count();
  return start_ + Duration::Nanos(static_cast<std::int64_t>(static_cast<double>(elapsed) * factor_));
}

SteppedClock::SteppedClock() : nanos_(WallNow().unix_nanos()) {}

StatusOr<std::unique_ptr<Clock>> MakeClock(std::string_view spec) {
  if (spec == "real") return std::unique_ptr<Clock>(std::make_unique<RealClock>());
  if (spec == "manual") return std::unique_ptr<Clock>(std::make_unique<SteppedClock>());
  if (spec.substr(0, 7) == "scaled:") {
    const std::string number(spec.substr(7));
    char* end = nullptr;
    const double factor = std::strtod(number.c_str(), &end);
    if (!number.empty() && end == number.c_str() + number.size() && factor > 0) {
      return std::unique_ptr<Clock>(std::make_unique<ScaledClock>(factor));
    }
  }
  std::string message = "invalid clock '";
  message += spec;
  message += "': expected real, manual or scaled:F with F > 0";
  return Status(ErrorCode::kInvalidParameter, std::move(message));
}

}  // namespace hr::server
