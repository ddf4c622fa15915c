#pragma once
// Workload: what `headroom simulate` runs — an account, its functions with their reserved
// and provisioned concurrency, how long their invocations take, the traffic each receives
// (or a CSV trace), CloudWatch alarms defined as PutMetricAlarm defines them, and an
// optional quota policy — parsed from YAML. README.md ("Capacity simulator") documents the
// format with an example; examples/ holds complete files.
//
// ParseWorkload never throws and never crashes on bad input: every error is a Status whose
// message starts with "<file>:<line>:<column>: " (1-based, from yaml-cpp's marks).
//
// Who calls it: the `simulate` command (src/app), the fuzz target and tests. A value.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "sim/arrivals.h"
#include "sim/distribution.h"
#include "telemetry/alarm_evaluation.h"
#include "telemetry/metric_query.h"

namespace hr::sim {

// Where something was declared, for error messages after parsing (an engine rule that
// rejects a function's reserved concurrency points at the function).
struct SourceMark {
  int line = 0;    // 1-based; 0 = not from the file (e.g. --from)
  int column = 0;  // 1-based
};

struct ProvisionedSpec {
  std::string qualifier;  // a version number ("1") or an alias ("live")
  std::int64_t count = 0;
};

struct FunctionSpec {
  std::string name;
  std::optional<std::int64_t> reserved;
  std::vector<ProvisionedSpec> provisioned;
  Distribution duration;  // per invocation, after init
  Distribution init;      // added to a cold start (counts toward concurrency, as on AWS)
  std::optional<Duration> timeout;  // longer invocations end at the timeout
  // The qualifier the traffic invokes: "" = the first provisioned qualifier if any, else
  // unqualified ($LATEST).
  std::string invoke;
  std::vector<ArrivalProcess> traffic;
  SourceMark mark;
};

struct AlarmSpec {
  std::string name;
  telemetry::AlarmRule rule;
  std::vector<telemetry::MetricQuery> queries;  // one MetricStat query, or the Metrics
  SourceMark mark;
};

struct QuotaPolicy {
  std::string alarm;      // request when this alarm goes to ALARM
  double factor = 2;      // the new limit is ceil(limit × factor)
  Duration delay = Duration::Minutes(15);  // from request to approval
  std::optional<std::int64_t> maximum;     // never request more
};

struct TraceSpec {
  std::string path;  // resolved against the workload file's directory; "-" = stdin
};

struct Workload {
  std::string source = "workload";  // the file name, for messages
  std::string account_id = "000000000000";
  std::string region = "us-east-1";
  bool account_named = false;  // the file gave account.id or account.region
  std::int64_t limit = 1000;
  std::optional<std::int64_t> unreserved_minimum;  // nullopt: AWS's min(100, limit)
  Duration keep_alive = Duration::Minutes(5);
  Duration length = Duration::Minutes(10);  // simulated time
  std::uint64_t seed = 1;
  std::vector<FunctionSpec> functions;
  std::optional<TraceSpec> trace;
  std::vector<AlarmSpec> alarms;
  std::optional<QuotaPolicy> quota_policy;
};

// Parses `text`. `source` names it in messages; relative trace paths are resolved against
// `base_dir` (may be empty). Errors: kValidation "<source>:<line>:<col>: <what is wrong>".
StatusOr<Workload> ParseWorkload(std::string_view text, std::string_view source,
                                 std::string_view base_dir = "");
// Reads and parses the file at `path`. Errors: as ParseWorkload, or "cannot read <path>".
StatusOr<Workload> LoadWorkload(const std::string& path);

// "100ms", "1.5s", "2m", "1h", "250us", "0": Errors: nullopt for anything else.
std::optional<Duration> ParseDurationText(std::string_view text);

}  // namespace hr::sim
