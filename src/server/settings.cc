#include "server/settings.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <chrono>
#include <cctype>

namespace hr::server {
namespace {

Status Invalid(std::string_view name, std::string_view value, std::string_view why) {
  std::string message = "invalid value '";
  message += value;
  message += "' for setting ";
  message += name;
  message += ": ";
  message += why;
  return Status(ErrorCode::kInvalidParameter, std::move(message));
}

std::optional<std::int64_t> ParseInt(std::string_view s) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<Duration> ParseDuration(std::string_view s) {
  std::int64_t scale_ms = 1000;
  if (s.size() > 2 && s.substr(s.size() - 2) == "ms") {
    scale_ms = 1;
    s.remove_suffix(2);
  } else if (!s.empty() && s.back() == 's') {
    s.remove_suffix(1);
  } else if (!s.empty() && s.back() == 'm') {
    scale_ms = 60'000;
    s.remove_suffix(1);
  } else if (!s.empty() && s.back() == 'h') {
    scale_ms = 3'600'000;
    s.remove_suffix(1);
  }
  auto n = ParseInt(s);
  if (!n || *n < 0) return std::nullopt;
  return Duration::Millis(*n * scale_ms);
}

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

const std::vector<std::string_view>& SettingNames() {
  static const std::vector<std::string_view> kNames = {
      "host",           "port",           "data-dir",            "account-limit",
      "unreserved-min", "default-region", "default-account",     "pc-allocation-delay",
      "clock",          "admin-token",    "auth",                "credentials",     "metrics",             "metrics-retention",
      "metrics-high-resolution-retention", "metrics-max-series", "quota-approval",
      "quota-case-delay", "quota-approval-delay", "quota-approval-ceiling", "max-header-bytes",
      "max-request-bytes", "max-connections", "idle-timeout", "header-timeout", "body-timeout",
      "send-timeout"};
  return kNames;
}

Status SetSetting(ServerSettings& s, std::string_view name, std::string_view value) {
  if (name == "host") {
    if (value.empty()) return Invalid(name, value, "must not be empty");
    s.host = std::string(value);
  } else if (name == "port") {
    auto n = ParseInt(value);
    if (!n || *n < 0 || *n > 65535) return Invalid(name, value, "expected 0..65535");
    s.port = static_cast<std::uint16_t>(*n);
  } else if (name == "metrics") {
    if (value != "on" && value != "off") return Invalid(name, value, "expected on or off");
    s.metrics = value == "on";
  } else if (name == "metrics-retention" || name == "metrics-high-resolution-retention") {
    auto d = ParseDuration(value);
    if (!d || d->nanos() <= 0) return Invalid(name, value, "expected a positive duration such as 3h");
    (name == "metrics-retention" ? s.metrics_retention : s.metrics_high_resolution_retention) = *d;
  } else if (name == "metrics-max-series") {
    auto n = ParseInt(value);
    if (!n || *n <= 0) return Invalid(name, value, "expected a positive integer");
    s.metrics_max_series = *n;
  } else if (name == "quota-approval") {
    if (value != "manual" && value != "auto" && value != "ceiling" && value != "deny") {
      return Invalid(name, value, "expected manual, auto, ceiling or deny");
    }
    s.quota_approval = std::string(value);
  } else if (name == "quota-case-delay" || name == "quota-approval-delay") {
    auto d = ParseDuration(value);
    if (!d) return Invalid(name, value, "expected a duration such as 5s");
    (name == "quota-case-delay" ? s.quota_case_delay : s.quota_approval_delay) = *d;
  } else if (name == "quota-approval-ceiling") {
    auto n = ParseInt(value);
    if (!n || *n <= 0) return Invalid(name, value, "expected a positive integer");
    s.quota_approval_ceiling = *n;
  } else if (name == "data-dir") {
    if (value.empty()) return Invalid(name, value, "must not be empty");
    s.data_dir = std::string(value);
  } else if (name == "account-limit") {
    auto n = ParseInt(value);
    if (!n || *n < 0) return Invalid(name, value, "expected a non-negative integer");
    s.account_limit = *n;
  } else if (name == "unreserved-min") {
    auto n = ParseInt(value);
    if (!n || *n < 0) return Invalid(name, value, "expected a non-negative integer");
    s.unreserved_min = *n;
  } else if (name == "default-region") {
    if (value.empty()) return Invalid(name, value, "must not be empty");
    s.default_region = std::string(value);
  } else if (name == "default-account") {
    if (value.size() != 12 || !IsDigits(value)) return Invalid(name, value, "expected 12 digits");
    s.default_account = std::string(value);
  } else if (name == "pc-allocation-delay") {
    auto d = ParseDuration(value);
    if (!d) return Invalid(name, value, "expected a duration such as 2s, 500ms or 2m");
    s.pc_allocation_delay = *d;
  } else if (name == "clock") {
    const bool ok = value == "real" || value == "manual" || value.substr(0, 7) == "scaled:";
    if (!ok) return Invalid(name, value, "expected real, manual or scaled:F");
    s.clock = std::string(value);
  } else if (name == "max-header-bytes" || name == "max-request-bytes" || name == "max-connections") {
    auto n = ParseInt(value);
    if (!n || *n <= 0 || (name == "max-header-bytes" && *n > 0xFFFF'FFFF)) {
      return Invalid(name, value, "expected a positive integer");
    }
    if (name == "max-header-bytes") s.http.max_header_bytes = static_cast<std::uint32_t>(*n);
    if (name == "max-request-bytes") s.http.max_body_bytes = static_cast<std::uint64_t>(*n);
    if (name == "max-connections") s.http.max_connections = static_cast<std::size_t>(*n);
  } else if (name == "idle-timeout" || name == "header-timeout" || name == "body-timeout" ||
             name == "send-timeout") {
    auto d = ParseDuration(value);
    if (!d || d->nanos() <= 0) return Invalid(name, value, "expected a positive duration such as 10s or 500ms");
    const std::chrono::milliseconds ms(d->nanos() / 1'000'000);
    if (name == "idle-timeout") s.http.idle_timeout = ms;
    if (name == "header-timeout") s.http.header_timeout = ms;
    if (name == "body-timeout") s.http.body_timeout = ms;
    if (name == "send-timeout") s.http.send_timeout = ms;
  } else if (name == "admin-token") {
    s.admin_token = std::string(value);
  } else if (name == "auth") {
    if (value != "strict" && value != "permissive") return Invalid(name, value, "expected strict or permissive");
    s.strict_auth = value == "strict";
  } else if (name == "credentials") {
    s.credentials = std::string(value);
  } else {
    std::string message = "unknown setting ";
    message += name;
    return Status(ErrorCode::kInvalidParameter, std::move(message));
  }
  return Status::Ok();
}

std::string ExposureWarning(const ServerSettings& settings) {
  const std::string_view host = settings.host;
  const bool loopback = host.starts_with("127.") || host == "::1" || host == "localhost";
  if (loopback || settings.strict_auth) return "";
  return "headroom: warning: listening on " + settings.host +
         " without --auth strict: anyone who can reach this port can act for any account";
}

Status ApplySettingsFile(ServerSettings& settings, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return Status(ErrorCode::kInvalidParameter, "cannot read config " + path + ": " + e.what());
  }
  if (root.IsNull()) return Status::Ok();
  if (!root.IsMap()) {
    return Status(ErrorCode::kInvalidParameter, "config " + path + ": expected a map of settings");
  }
  for (const auto& entry : root) {
    if (!entry.second.IsScalar()) {
      return Status(ErrorCode::kInvalidParameter,
                    "config " + path + ": setting " + entry.first.Scalar() + " must be a scalar");
    }
    HR_RETURN_IF_ERROR(SetSetting(settings, entry.first.Scalar(), entry.second.Scalar()));
  }
  return Status::Ok();
}

Status ApplySettingsEnvironment(ServerSettings& settings,
                                const std::function<const char*(const char*)>& getenv) {
  for (std::string_view name : SettingNames()) {
    std::string var = "HEADROOM_";
    for (char c : name) var += c == '-' ? '_' : static_cast<char>(std::toupper(c));
    if (const char* value = getenv(var.c_str())) {
      HR_RETURN_IF_ERROR(SetSetting(settings, name, value));
    }
  }
  return Status::Ok();
}

}  // namespace hr::server
