#pragma once
// ServerSettings: how `headroom serve` is configured, and the one parser of its settings.
//
// Every setting has one name, used the same way in three places, later ones winning:
//   the config file (`--config headroom.yaml`: a YAML map of name: value),
//   the environment (HEADROOM_<NAME>, upper case with '_' for '-': HEADROOM_ACCOUNT_LIMIT),
//   the command line (--<name> value).
// SetSetting is the single place a value is parsed and checked, so all three behave alike.
// Not thread-safe; used once at start-up by app/.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "net/limits.h"

namespace hr::server {

struct ServerSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4599;
  std::string data_dir = "./.headroom";
  std::int64_t account_limit = 1000;           // L-B99A9384 of a new account
  std::optional<std::int64_t> unreserved_min;  // unset: AWS's min(100, limit)
  std::string default_region = "us-east-1";
  std::string default_account = "000000000000";
  Duration pc_allocation_delay = Duration::Seconds(2);  // AWS: about 2 minutes
  std::string clock = "real";                  // real | manual | scaled:F
  std::string admin_token;                     // empty: admin endpoints are open
  bool strict_auth = false;                    // `auth`: strict | permissive (README, Authentication)
  std::string credentials;                     // YAML file of access keys (server/credentials.h)
  bool metrics = true;                         // record the AWS/Lambda metrics
  Duration metrics_retention = Duration::Hours(24);                  // 1-minute data
  Duration metrics_high_resolution_retention = Duration::Hours(3);   // 1-second data
  std::int64_t metrics_max_series = 200'000;
  std::string quota_approval = "manual";          // manual | auto | ceiling | deny
  Duration quota_case_delay = Duration::Seconds(1);       // PENDING -> CASE_OPENED
  Duration quota_approval_delay = Duration::Seconds(5);   // CASE_OPENED -> APPROVED / DENIED
  std::int64_t quota_approval_ceiling = 10'000;          // `ceiling`: approved up to this value
  // What the HTTP layer allows each client (README "Limits"): max-header-bytes, max-connections,
  // idle-, header-, body- and send-timeout as net::Limits documents them; max-request-bytes is
  // max_body_bytes, the cap on every request body, under which each API's own limit applies
  // (server.cc). Its default is the largest request AWS takes (CreateFunction's 69,905,067).
  net::Limits http = [] {
    net::Limits l;
    l.max_body_bytes = 69'905'067;
    return l;
  }();
};

// The names SetSetting accepts, in documentation order.
const std::vector<std::string_view>& SettingNames();

// Parses `value` for setting `name` into `settings`. Durations accept "2s", "500ms", "2m", "3h" or
// a bare number of seconds. Errors: kInvalidParameter naming the setting and the value.
Status SetSetting(ServerSettings& settings, std::string_view name, std::string_view value);

// The warning `headroom serve` prints when it listens beyond loopback (host not 127.x.x.x,
// ::1 or localhost) without strict auth, where anyone who reaches the port may act for any
// account; "" otherwise.
std::string ExposureWarning(const ServerSettings& settings);

// Applies a YAML file of `name: value` pairs. Errors: kInvalidParameter (unreadable file,
// not a map, unknown name, bad value).
Status ApplySettingsFile(ServerSettings& settings, const std::string& path);

// Applies HEADROOM_<NAME> variables read through `getenv` (nullptr when unset).
Status ApplySettingsEnvironment(ServerSettings& settings,
                                const std::function<const char*(const char*)>& getenv);

}  // namespace hr::server
