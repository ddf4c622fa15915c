// Randomized model test: a million random operations on one small account, applied both to
// the engine and to ReferenceModel (reference_model.h, written from the spec alone), with
// the outcome of every step and the observable state compared after it, and the pool's
// invariants checked on the engine's own state.
//
// Environment: HR_FUZZ_OPS (default 1,000,000) and HR_FUZZ_SEED (default kDefaultSeed). A
// failure prints the seed, the step and the operations that led to it; rerunning with the
// same seed replays the same sequence exactly.

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "engine/reference_model.h"
#include "engine/test_fixture.h"

namespace hr::engine {
namespace {

using core::ProvisionedStatus;
using core::StartKind;
using reference::Decider;
using reference::Outcome;
using reference::ReferenceModel;
using reference::Rule;

constexpr std::uint64_t kDefaultSeed = 0x5eed'2024'0001;
constexpr std::uint64_t kDefaultOps = 1'000'000;
// Below this many operations the run is a replay, not a coverage run: the "every outcome
// occurred" check is skipped.
constexpr std::uint64_t kCoverageOps = 1'000'000;

constexpr const char* kAccountId = "000000000000";
constexpr const char* kRegion = "us-east-1";
constexpr int kFunctionCount = 8;
constexpr std::array<const char*, 3> kAliasNames = {"live", "blue", "canary"};
constexpr const char* kMissingAlias = "ghost";  // never created
// A small account with an explicit unreserved minimum, so that every rule is reachable.
constexpr std::int64_t kMinimum = 5;
constexpr std::int64_t kLowestLimit = 20;
constexpr std::int64_t kHighestLimit = 60;

reference::Settings FuzzSettings(std::int64_t limit) {
  reference::Settings s;
  s.region = kRegion;
  s.account_id = kAccountId;
  s.limit = limit;
  s.unreserved_minimum = kMinimum;
  // AWS's scaling rate and keep-alive. The scaling throttle gets a reason of its own here
  // (test-only) so that a throttle names the one limit that caused it: by default the
  // scaling rate and the account request rate share FunctionInvocationRateLimitExceeded.
  s.scaling_capacity = 1000;
  s.scaling_per_second = 100;
  s.requests_per_concurrency = 10;
  s.keep_alive = Duration::Minutes(5);
  s.account_rate_reason = ThrottleReason::kFunctionInvocationRateLimitExceeded;
  s.provisioned_rate_reason = ThrottleReason::kReservedFunctionInvocationRateLimitExceeded;
  s.scaling_reason = ThrottleReason::kCallerRateLimitExceeded;
  return s;
}

core::Tunables TunablesFor(const reference::Settings& s) {
  core::Tunables t;
  t.account_concurrency_limit = s.limit;
  t.unreserved_minimum = s.unreserved_minimum;
  t.scaling_bucket_capacity = s.scaling_capacity;
  t.scaling_refill_per_second = s.scaling_per_second;
  t.request_rate_per_concurrency = s.requests_per_concurrency;
  t.keep_alive = s.keep_alive;
  t.account_rate_throttle_reason = s.account_rate_reason;
  t.provisioned_rate_throttle_reason = s.provisioned_rate_reason;
  t.scaling_throttle_reason = s.scaling_reason;
  return t;
}

std::uint64_t EnvOr(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::strtoull(v, nullptr, 0);
}

// ---- Printing, for mismatch messages only ------------------------------------------------

std::string Show(ErrorCode c) { return std::string(ErrorCodeName(c)); }
std::string Show(ThrottleReason r) {
  return r == ThrottleReason::kNone ? "admitted" : std::string(ThrottleReasonName(r));
}
std::string Show(StartKind k) {
  switch (k) {
    case StartKind::kProvisioned:
      return "provisioned";
    case StartKind::kWarm:
      return "warm";
    case StartKind::kCold:
      return "cold";
  }
  return "?";
}
std::string Show(ProvisionedStatus s) {
  switch (s) {
    case ProvisionedStatus::kInProgress:
      return "IN_PROGRESS";
    case ProvisionedStatus::kReady:
      return "READY";
    case ProvisionedStatus::kFailed:
      return "FAILED";
  }
  return "?";
}
std::string Show(bool b) { return b ? "true" : "false"; }
std::string Show(const std::string& s) { return "\"" + s + "\""; }
std::string Show(const std::vector<std::uint32_t>& v) {
  std::string s = "[";
  for (auto x : v) {
    if (s.size() > 1) s += ',';
    s += std::to_string(x);
  }
  return s + "]";
}
std::string Show(const std::map<std::string, std::uint32_t>& m) {
  std::string s = "{";
  for (const auto& [k, v] : m) {
    if (s.size() > 1) s += ',';
    s += k;
    s += "->";
    s += std::to_string(v);
  }
  return s + "}";
}

// ---- Operations ------------------------------------------------------------------------

enum class OpKind : std::uint8_t {
  kCreateFunction,
  kDeleteFunction,
  kDeleteVersion,
  kUpdateCode,
  kPublish,
  kCreateAlias,
  kUpdateAlias,
  kDeleteAlias,
  kPutRc,
  kDeleteRc,
  kGetRc,
  kPutPc,
  kGetPc,
  kDeletePc,
  kCompleteOk,
  kCompleteFail,
  kAdmitSync,
  kAdmitAsync,
  kRelease,
  kSetLimit,
  kReclaim,
  kAdvance,
  kIsLive,
  kCount,
};
constexpr std::array<const char*, static_cast<std::size_t>(OpKind::kCount)> kOpNames = {
    "CreateFunction",
    "DeleteFunction",
    "DeleteVersion",
    "UpdateFunctionCode",
    "PublishVersion",
    "CreateAlias",
    "UpdateAlias",
    "DeleteAlias",
    "PutFunctionConcurrency",
    "DeleteFunctionConcurrency",
    "GetFunctionConcurrency",
    "PutProvisionedConcurrencyConfig",
    "GetProvisionedConcurrencyConfig",
    "DeleteProvisionedConcurrencyConfig",
    "CompleteProvisioning(ok)",
    "CompleteProvisioning(fail)",
    "Admit(sync)",
    "Admit(async)",
    "Release",
    "SetConcurrencyLimit",
    "ReclaimIdleEnvironments",
    "Advance",
    "IsLive"};

struct Op {
  OpKind kind = OpKind::kAdvance;
  int fn = 0;
  std::string input;                     // the function name as sent to the engine
  std::optional<std::string> qualifier;  // PC / Invoke qualifier, DeleteFunction qualifier
  std::string argument;                  // alias name, or alias target version
  std::int64_t value = 0;
  bool qualified_name = false;  // PutRc on name:qualifier
  Duration dt;
  std::size_t index = 0;  // grant / ticket picked
};

std::string FunctionName(int i) { return "fn" + std::to_string(i); }

// Things that must happen at least once in a coverage run, besides every (op, rule) pair
// listed in kRequiredRules and every admission decider.
enum class Event : std::uint8_t {
  kSpillover,                     // admitted on-demand because READY PC was full
  kSpilloverThrottled,            // ... and on-demand was full too
  kReservedThrottleRcZero,        // RC = 0 throttles everything
  kReservedThrottleRcIsPc,        // RC == Σ PC > 0 throttles what PC doesn't serve
  kColdAfterKeepAlive,            // idle environments existed but had expired
  kProvisionedViaOtherQualifier,  // version invoked directly, served by its alias's PC
  kLimitBelowMinimum,             // the limit dropped until unreserved < minimum
  kInFlightMovedToPool,           // RC deleted while its executions ran
  kBoundHeldNotRaised,            // a bound was exceeded after a config change; nothing raised it
  kBoundExceededByMove,           // a config change moved executions above the pool's bound
  kStaleTargetNotLive,
  kCount,
};
constexpr std::array<const char*, static_cast<std::size_t>(Event::kCount)> kEventNames = {
    "spillover",
    "spillover-then-throttled",
    "reserved-throttle-rc-zero",
    "reserved-throttle-rc-equals-pc",
    "cold-after-keep-alive",
    "provisioned-via-alias-or-version",
    "limit-below-minimum",
    "in-flight-moved-to-pool",
    "bound-exceeded-held-not-raised",
    "bound-exceeded-by-move",
    "stale-target-not-live"};

struct RequiredRule {
  OpKind op;
  Rule rule;
};
constexpr RequiredRule kRequiredRules[] = {
    {OpKind::kCreateFunction, Rule::kOk},
    {OpKind::kCreateFunction, Rule::kDuplicateFunction},
    {OpKind::kDeleteFunction, Rule::kOk},
    {OpKind::kDeleteFunction, Rule::kFunctionNotFound},
    {OpKind::kDeleteVersion, Rule::kOk},
    {OpKind::kDeleteVersion, Rule::kDeleteLatest},
    {OpKind::kDeleteVersion, Rule::kDeleteAliasAsVersion},
    {OpKind::kDeleteVersion, Rule::kVersionInUse},
    {OpKind::kUpdateCode, Rule::kOk},
    {OpKind::kUpdateCode, Rule::kFunctionNotFound},
    {OpKind::kPublish, Rule::kOk},
    {OpKind::kCreateAlias, Rule::kOk},
    {OpKind::kCreateAlias, Rule::kDuplicateAlias},
    {OpKind::kCreateAlias, Rule::kVersionNotFound},
    {OpKind::kUpdateAlias, Rule::kOk},
    {OpKind::kUpdateAlias, Rule::kAliasNotFound},
    {OpKind::kUpdateAlias, Rule::kVersionNotFound},
    {OpKind::kUpdateAlias, Rule::kAliasMoveConflict},
    {OpKind::kUpdateAlias, Rule::kPcOnLatest},
    {OpKind::kDeleteAlias, Rule::kOk},
    {OpKind::kDeleteAlias, Rule::kFunctionNotFound},
    {OpKind::kPutRc, Rule::kOk},
    {OpKind::kPutRc, Rule::kValidation},
    {OpKind::kPutRc, Rule::kQualifiedName},
    {OpKind::kPutRc, Rule::kFunctionNotFound},
    {OpKind::kPutRc, Rule::kRcBelowMinimum},
    {OpKind::kPutRc, Rule::kRcBelowProvisioned},
    {OpKind::kDeleteRc, Rule::kOk},
    {OpKind::kGetRc, Rule::kOk},
    {OpKind::kGetRc, Rule::kFunctionNotFound},
    {OpKind::kPutPc, Rule::kOk},
    {OpKind::kPutPc, Rule::kValidation},
    {OpKind::kPutPc, Rule::kPcOnLatest},
    {OpKind::kPutPc, Rule::kVersionNotFound},
    {OpKind::kPutPc, Rule::kAliasNotFound},
    {OpKind::kPutPc, Rule::kPcAboveRc},
    {OpKind::kPutPc, Rule::kPcAboveUnreserved},
    {OpKind::kPutPc, Rule::kPcBelowMinimum},
    {OpKind::kPutPc, Rule::kPcAliasOnProvisionedVersion},
    {OpKind::kPutPc, Rule::kPcVersionUnderProvisionedAlias},
    {OpKind::kGetPc, Rule::kOk},
    {OpKind::kGetPc, Rule::kConfigNotFound},
    {OpKind::kGetPc, Rule::kPcLatestQualifier},
    {OpKind::kDeletePc, Rule::kOk},
    {OpKind::kDeletePc, Rule::kPcLatestQualifier},
    {OpKind::kCompleteOk, Rule::kOk},
    {OpKind::kCompleteOk, Rule::kStaleTicket},
    {OpKind::kCompleteFail, Rule::kOk},
    {OpKind::kAdmitSync, Rule::kOk},
    {OpKind::kAdmitSync, Rule::kVersionNotFound},
    {OpKind::kAdmitSync, Rule::kAliasNotFound},
    {OpKind::kAdmitSync, Rule::kFunctionNotFound},
    {OpKind::kAdmitAsync, Rule::kOk},
};

// ---- The engine's state, as the invariants see it ------------------------------------------

// Busy counters are read straight from the ledger, by slot. A slot's counter is 0 until
// the slot is used, so a missing entry reads as 0.
struct Counters {
  std::vector<std::int32_t> on_demand;    // by function slot
  std::vector<std::int32_t> provisioned;  // by provisioned-config slot
  static std::int32_t At(const std::vector<std::int32_t>& v, std::uint32_t slot) {
    return slot < v.size() ? v[slot] : 0;
  }
  static void Set(std::vector<std::int32_t>& v, std::uint32_t slot, std::int32_t value) {
    if (slot >= v.size()) v.resize(slot + 1, 0);
    v[slot] = value;
  }
};

struct FunctionState {
  bool live = false;
  std::uint32_t slot = core::kNoSlot;
  std::optional<std::int32_t> reserved;
  std::int32_t provisioned_total = 0;
  std::int32_t on_demand_busy = 0;
  std::int32_t provisioned_busy = 0;  // Σ busy of its current configs
  struct Config {
    std::uint32_t slot;
    std::int32_t allocated;
    std::int32_t busy;
  };
  std::vector<Config> configs;
};

struct Snapshot {
  PoolView pool;
  Counters counters;
  std::array<FunctionState, kFunctionCount> functions;
};

// ---- The fuzzer -----------------------------------------------------------------------

class ModelFuzz {
 public:
  explicit ModelFuzz(std::uint64_t seed)
      : seed_(seed),
        rng_(seed),
        settings_(FuzzSettings(kHighestLimit)),
        tunables_(TunablesFor(settings_)),
        engine_(tunables_),
        account_(engine_.AccountFor(kAccountId, kRegion, now_)),
        ref_(settings_, now_) {
    TakeSnapshot(before_, -1, /*full=*/true);
  }

  // Runs `ops` steps, or until the first disagreement.
  void Run(std::uint64_t ops) {
    for (step_ = 0; step_ < ops && failure_.empty(); ++step_) Step();
    FullSweep();
  }

  // Releases every grant still in flight (checking each step); afterwards nothing is busy.
  void Drain() {
    while (!grants_.empty() && failure_.empty()) {
      Op op;
      op.kind = OpKind::kRelease;
      op.index = grants_.size() - 1;
      Record(op);
      const int fn = grants_[op.index].fn;
      Apply(op);
      Check(op, false, fn);
      ++step_;
    }
    FullSweep();
    if (!failure_.empty()) return;
    const PoolView p = account_.Pool();
    Same("drained: unreserved_busy", p.unreserved_busy, std::int64_t{0});
    Same("drained: claimed == allocated", p.claimed, p.allocated);
    // Every slot the run ever read (the ledger never shrinks, so all are still addressable).
    for (std::uint32_t s = 0; s < seen_function_slots_; ++s) {
      Same("drained: on-demand busy of slot", std::int64_t{SlotOnDemand(s)}, std::int64_t{0});
    }
    for (std::uint32_t s = 0; s < seen_provisioned_slots_; ++s) {
      Same("drained: provisioned busy of slot", std::int64_t{SlotProvisioned(s)}, std::int64_t{0});
    }
  }

  // Compares every function's views once more.
  void FullSweep() {
    if (!failure_.empty()) return;
    Snapshot last;
    TakeSnapshot(last, -1, /*full=*/true);
  }

  const std::string& failure() const { return failure_; }
  std::uint64_t seed() const { return seed_; }

  std::vector<std::string> NeverSeen() const {
    std::vector<std::string> missing;
    for (const auto& r : kRequiredRules) {
      if (rule_counts_[Index(r.op)][Index(r.rule)] == 0) {
        missing.push_back(std::string(kOpNames[Index(r.op)]) + " / " +
                          std::string(RuleName(r.rule)));
      }
    }
    for (std::size_t d = 0; d < decider_counts_.size(); ++d) {
      if (decider_counts_[d] == 0) missing.push_back("admission / " + DeciderName(d));
    }
    for (std::size_t e = 0; e < event_counts_.size(); ++e) {
      if (event_counts_[e] == 0) missing.push_back(std::string("event / ") + kEventNames[e]);
    }
    return missing;
  }

  std::string Report() const {
    std::ostringstream os;
    os << "model fuzz: seed " << seed_ << ", " << step_ << " steps\n";
    for (std::size_t op = 0; op < rule_counts_.size(); ++op) {
      for (std::size_t r = 0; r < rule_counts_[op].size(); ++r) {
        if (rule_counts_[op][r] == 0) continue;
        os << "  " << kOpNames[op] << " / " << RuleName(static_cast<Rule>(r)) << ": "
           << rule_counts_[op][r] << "\n";
      }
    }
    for (std::size_t d = 0; d < decider_counts_.size(); ++d) {
      os << "  admission / " << DeciderName(d) << ": " << decider_counts_[d] << "\n";
    }
    for (std::size_t e = 0; e < event_counts_.size(); ++e) {
      os << "  event / " << kEventNames[e] << ": " << event_counts_[e] << "\n";
    }
    return os.str();
  }

 private:
  enum class Mode { kNormal, kRateStorm, kScalingStorm };
  struct InFlight {
    core::Grant grant;
    std::uint64_t ref;
    int fn;
  };
  struct Ticket {
    ProvisioningTicket engine;
    std::uint64_t allocation;
    int fn;
  };
  // Every kFullSweep steps every function's views are read and compared; in between, only
  // the functions the step named, plus every function's busy counters (straight from the
  // ledger), plus the pool. An operation on one function that changed another would be
  // caught by the pool comparison or, at the latest, by the next full sweep.
  static constexpr std::uint64_t kFullSweep = 8;
  struct LiveTarget {
    InvokeTarget target;
    int fn;
    std::uint64_t incarnation;
  };

  template <typename T>
  static std::size_t Index(T v) {
    return static_cast<std::size_t>(v);
  }
  static std::string DeciderName(std::size_t d) {
    static constexpr const char* kNames[] = {"provisioned",
                                             "warm",
                                             "cold",
                                             "throttle account-rate",
                                             "throttle provisioned-rate",
                                             "throttle reserved",
                                             "throttle unreserved",
                                             "throttle scaling"};
    return kNames[d];
  }
  void Count(Event e) { ++event_counts_[Index(e)]; }

  // ---- Random choices ----
  std::int64_t Uniform(std::int64_t lo, std::int64_t hi) {  // inclusive
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // The function name as a client may send it: a bare name, a full or a partial ARN.
  std::string NameInput(int fn) {
    const std::string name = FunctionName(fn);
    const std::int64_t r = Uniform(0, 99);
    if (r < 85) return name;
    if (r < 95)
      return std::string("arn:aws:lambda:") + kRegion + ":" + kAccountId + ":function:" + name;
    return std::string(kAccountId) + ":function:" + name;
  }
  // A published version of `fn`, mostly one that exists.
  std::string PickVersion(int fn) {
    const ReferenceModel::Function* f = ref_.Find(FunctionName(fn));
    if (f == nullptr || f->last_version == 0) return std::to_string(Uniform(1, 2));
    if (f->versions.size() > 1 && Chance(0.8)) {
      auto it = f->versions.begin();
      std::advance(it, Uniform(1, static_cast<std::int64_t>(f->versions.size()) - 1));
      return std::to_string(it->first);
    }
    return std::to_string(Uniform(1, f->last_version + 1));
  }
  std::string PickAlias() {
    return Chance(0.05) ? kMissingAlias : kAliasNames[Uniform(0, kAliasNames.size() - 1)];
  }
  // A qualifier for a provisioned-concurrency operation.
  std::string PickPcQualifier(int fn) {
    const std::int64_t r = Uniform(0, 99);
    if (r < 7) return "$LATEST";
    if (r < 50) return PickVersion(fn);
    return PickAlias();
  }
  std::int64_t PickReserved() {
    const std::int64_t limit = ref_.limit();
    const std::int64_t r = Uniform(0, 99);
    if (r < 4) return -Uniform(1, 3);
    if (r < 16) return 0;
    if (r < 66) return Uniform(1, 8);
    if (r < 86) return Uniform(1, limit);
    return Uniform(limit - kMinimum - 3, limit + 2);
  }
  std::int64_t PickProvisioned() {
    const std::int64_t r = Uniform(0, 99);
    if (r < 4) return Uniform(-1, 0);
    if (r < 76) return Uniform(1, 4);
    if (r < 94) return Uniform(1, ref_.limit());
    return ref_.limit() + Uniform(0, 2);
  }
  Duration PickStep() {
    const std::int64_t r = Uniform(0, 99);
    if (r < 30) return Duration::Micros(Uniform(0, 999));
    if (r < 65) return Duration::Millis(Uniform(1, 50));
    if (r < 92) return Duration::Millis(Uniform(50, 5000));
    if (r < 96) return settings_.keep_alive + Duration::Millis(Uniform(-1000, 1000));
    if (r < 97) return settings_.keep_alive;  // exactly: expired ("idle for keep_alive or longer")
    return Duration::Seconds(Uniform(300, 900));
  }

  void ChooseMode() {
    const std::int64_t r = Uniform(0, 99);
    if (r < 82) {
      mode_ = Mode::kNormal;
      mode_left_ = Uniform(300, 3000);
    } else if (r < 91) {
      mode_ = Mode::kRateStorm;
      mode_left_ = Uniform(1500, 3000);
    } else {
      mode_ = Mode::kScalingStorm;
      mode_left_ = Uniform(4000, 8000);
      storm_fn_ = static_cast<int>(Uniform(0, kFunctionCount - 1));
    }
  }

  Op NormalOp() {
    Op op;
    op.kind = static_cast<OpKind>(normal_ops_(rng_));
    op.fn = static_cast<int>(Uniform(0, kFunctionCount - 1));
    op.input = NameInput(op.fn);
    switch (op.kind) {
      case OpKind::kDeleteVersion: {
        const std::int64_t r = Uniform(0, 99);
        op.qualifier = r < 5 ? "$LATEST" : r < 15 ? PickAlias() : PickVersion(op.fn);
        break;
      }
      case OpKind::kCreateAlias:
      case OpKind::kUpdateAlias:
        op.qualifier = PickAlias();
        op.argument = Chance(0.08) ? "$LATEST" : PickVersion(op.fn);
        break;
      case OpKind::kDeleteAlias:
        op.qualifier = PickAlias();
        break;
      case OpKind::kPutRc:
        op.value = PickReserved();
        if (Chance(0.03)) {
          op.qualified_name = true;
          op.input = Chance(0.5) ? FunctionName(op.fn) + ":1"
                                 : std::string("arn:aws:lambda:") + kRegion + ":" + kAccountId +
                                       ":function:" + FunctionName(op.fn) + ":$LATEST";
        }
        break;
      case OpKind::kPutPc:
        op.qualifier = PickPcQualifier(op.fn);
        op.value = PickProvisioned();
        break;
      case OpKind::kGetPc:
      case OpKind::kDeletePc:
        op.qualifier = PickPcQualifier(op.fn);
        break;
      case OpKind::kCompleteOk:
      case OpKind::kCompleteFail:
        PickTicket(op);
        break;
      case OpKind::kAdmitSync:
      case OpKind::kAdmitAsync:
        PickInvokeQualifier(op);
        break;
      case OpKind::kRelease:
        if (grants_.empty()) return AdvanceOp();
        op.index = static_cast<std::size_t>(Uniform(0, grants_.size() - 1));
        break;
      case OpKind::kSetLimit:
        op.value =
            Chance(0.85) ? Uniform(kLowestLimit, kHighestLimit) : Uniform(10, kLowestLimit - 1);
        break;
      case OpKind::kAdvance:
        op.dt = PickStep();
        break;
      case OpKind::kIsLive:
        if (targets_.empty()) return AdvanceOp();
        op.index = static_cast<std::size_t>(Uniform(0, targets_.size() - 1));
        break;
      default:
        break;
    }
    return op;
  }
  Op AdvanceOp() {
    Op op;
    op.kind = OpKind::kAdvance;
    op.dt = mode_ == Mode::kNormal ? PickStep() : Duration::Zero();
    return op;
  }
  void PickInvokeQualifier(Op& op) {
    const std::int64_t r = Uniform(0, 99);
    if (r < 28) {
      op.qualifier.reset();
    } else if (r < 33) {
      op.qualifier = "$LATEST";
    } else if (r < 63) {
      op.qualifier = PickVersion(op.fn);
    } else {
      op.qualifier = PickAlias();
    }
    // Invoke also accepts name:qualifier (NamespacedFunctionName).
    if (op.qualifier && Chance(0.1)) {
      op.input = FunctionName(op.fn) + ":" + *op.qualifier;
      op.argument = "in-name";
    }
  }
  // Mostly a ticket of a config that is IN_PROGRESS now; sometimes an old one.
  void PickTicket(Op& op) {
    if (!current_tickets_.empty() && Chance(0.85)) {
      op.index = static_cast<std::size_t>(Uniform(0, current_tickets_.size() - 1));
      op.argument = "current";
    } else if (!old_tickets_.empty()) {
      op.index = static_cast<std::size_t>(Uniform(0, old_tickets_.size() - 1));
      op.argument = "old";
    } else {
      op.argument = "none";
    }
  }

  Op Generate() {
    if (mode_left_-- <= 0) ChooseMode();
    switch (mode_) {
      case Mode::kNormal:
        return NormalOp();
      case Mode::kRateStorm: {
        // Time stands (almost) still: the account's and PC's request rates run dry.
        const std::int64_t r = Uniform(0, 99);
        if (r < 55) {
          Op op;
          op.kind = OpKind::kAdmitSync;
          op.fn = static_cast<int>(Uniform(0, kFunctionCount - 1));
          op.input = FunctionName(op.fn);
          PickInvokeQualifier(op);
          return op;
        }
        if (r < 95 && !grants_.empty()) {
          Op op;
          op.kind = OpKind::kRelease;
          op.index = static_cast<std::size_t>(Uniform(0, grants_.size() - 1));
          return op;
        }
        if (r < 96) {
          Op op;
          op.kind = OpKind::kAdvance;
          op.dt = Duration::Millis(1);
          return op;
        }
        Op op = NormalOp();
        if (op.kind == OpKind::kAdvance) op.dt = Duration::Zero();
        return op;
      }
      case Mode::kScalingStorm: {
        // One function, frozen time, new code again and again: every start is cold until its
        // scaling bucket (1,000) runs dry. Async, so the account's request rate stays out.
        Op op;
        op.fn = storm_fn_;
        op.input = FunctionName(op.fn);
        const std::int64_t r = Uniform(0, 99);
        if (r < 45) {
          op.kind = OpKind::kAdmitAsync;
        } else if (r < 75 && !grants_.empty()) {
          op.kind = OpKind::kRelease;
          op.index = grants_.size() - 1;
        } else if (r < 95) {
          op.kind = OpKind::kUpdateCode;
        } else {
          op = NormalOp();
          if (op.kind == OpKind::kAdvance) op.dt = Duration::Zero();
        }
        return op;
      }
    }
    return AdvanceOp();
  }

  // ---- Comparison helpers ----
  template <typename... Parts>
  void Fail(const Parts&... parts) {
    if (!failure_.empty()) return;
    std::ostringstream os;
    (os << ... << parts);
    failure_ = os.str();
  }
  template <typename A, typename B>
  void Same(const char* what, const A& engine, const B& reference) {
    if (engine == reference) return;
    Fail(what, ": engine ", Show(engine), ", reference (spec) ", Show(reference));
  }
  void Same(const char* what, std::int64_t engine, std::int64_t reference) {
    if (engine == reference) return;
    Fail(what, ": engine ", engine, ", reference (spec) ", reference);
  }
  void SameStatus(const char* what, const Status& s, const Outcome& o) {
    if (s.code() != o.code) {
      Fail(what, ": engine ", s.ToString(), ", reference (spec) ", Show(o.code), ": ", o.message,
           " [rule ", RuleName(o.rule), "]");
      return;
    }
    if (o.exact_message && !o.ok() && s.message() != o.message) {
      Fail(what, " message:\n  engine:    \"", s.message(), "\"\n  reference: \"", o.message,
           "\" [rule ", RuleName(o.rule), "]");
    }
  }

  // ---- One step ----
  void Step() {
    Op op = Generate();
    Record(op);
    const int touched = Touched(op);
    const bool admitted = Apply(op);
    if (!failure_.empty()) return;
    Check(op, admitted, touched);
  }

  // The function whose views `op` may change, or -1.
  int Touched(const Op& op) const {
    switch (op.kind) {
      case OpKind::kRelease:
        return grants_[op.index].fn;
      case OpKind::kCompleteOk:
      case OpKind::kCompleteFail:
        if (op.argument == "current") return current_tickets_[op.index].fn;
        if (op.argument == "old") return old_tickets_[op.index].fn;
        return -1;
      case OpKind::kSetLimit:
      case OpKind::kReclaim:
      case OpKind::kAdvance:
      case OpKind::kIsLive:
        return -1;
      default:
        return op.fn;
    }
  }

  void Record(const Op& op) {
    if (history_.size() == 60) history_.pop_front();
    history_.push_back({step_, now_, op});
  }

  // Applies `op` to both models and compares the outcome. Returns true when it admitted.
  bool Apply(const Op& op) {
    const std::string name = FunctionName(op.fn);
    const auto kind_index = Index(op.kind);
    auto count = [&](const Outcome& o) { ++rule_counts_[kind_index][Index(o.rule)]; };
    switch (op.kind) {
      case OpKind::kCreateFunction: {
        auto e = account_.CreateFunction(op.input, now_);
        Outcome r = ref_.CreateFunction(name, now_);
        count(r);
        SameStatus("CreateFunction", e.status(), r);
        if (e.ok()) slots_[op.fn] = e->slot;
        break;
      }
      case OpKind::kDeleteFunction: {
        Outcome r = ref_.DeleteFunction(name, std::nullopt);
        count(r);
        SameStatus("DeleteFunction", account_.DeleteFunction(op.input, std::nullopt, now_), r);
        break;
      }
      case OpKind::kDeleteVersion: {
        Outcome r = ref_.DeleteFunction(name, op.qualifier);
        count(r);
        SameStatus("DeleteFunction(version)",
                   account_.DeleteFunction(op.input, std::string_view(*op.qualifier), now_), r);
        break;
      }
      case OpKind::kUpdateCode: {
        Outcome r = ref_.UpdateFunctionCode(name);
        count(r);
        SameStatus("UpdateFunctionCode", account_.UpdateFunctionCode(op.input, now_), r);
        break;
      }
      case OpKind::kPublish: {
        auto e = account_.PublishVersion(op.input, now_);
        Outcome r = ref_.PublishVersion(name);
        count(r);
        SameStatus("PublishVersion", e.status(), r);
        if (e.ok() && r.ok()) Same("PublishVersion number", std::int64_t{*e}, r.value);
        break;
      }
      case OpKind::kCreateAlias: {
        Outcome r = ref_.CreateAlias(name, *op.qualifier, op.argument);
        count(r);
        SameStatus("CreateAlias", account_.CreateAlias(op.input, *op.qualifier, op.argument, now_),
                   r);
        break;
      }
      case OpKind::kUpdateAlias: {
        Outcome r = ref_.UpdateAlias(name, *op.qualifier, op.argument);
        count(r);
        SameStatus("UpdateAlias", account_.UpdateAlias(op.input, *op.qualifier, op.argument, now_),
                   r);
        break;
      }
      case OpKind::kDeleteAlias: {
        Outcome r = ref_.DeleteAlias(name, *op.qualifier);
        count(r);
        SameStatus("DeleteAlias", account_.DeleteAlias(op.input, *op.qualifier, now_), r);
        break;
      }
      case OpKind::kPutRc: {
        auto e = account_.PutFunctionConcurrency(op.input, op.value, now_);
        Outcome r = ref_.PutFunctionConcurrency(name, op.qualified_name, op.value);
        count(r);
        SameStatus("PutFunctionConcurrency", e.status(), r);
        if (e.ok() && r.ok()) Same("PutFunctionConcurrency value", std::int64_t{*e}, r.value);
        break;
      }
      case OpKind::kDeleteRc: {
        const ReferenceModel::Function* f = ref_.Find(name);
        if (f != nullptr && f->reserved && ref_.OnDemandBusy(*f) > 0)
          Count(Event::kInFlightMovedToPool);
        Outcome r = ref_.DeleteFunctionConcurrency(name);
        count(r);
        SameStatus("DeleteFunctionConcurrency", account_.DeleteFunctionConcurrency(op.input, now_),
                   r);
        break;
      }
      case OpKind::kGetRc: {
        auto e = account_.GetFunctionConcurrency(op.input);
        Outcome r = ref_.GetFunctionConcurrency(name);
        count(r);
        SameStatus("GetFunctionConcurrency", e.status(), r);
        if (e.ok() && r.ok()) {
          Same("GetFunctionConcurrency value",
               e->has_value() ? std::int64_t{**e} : std::int64_t{-1}, r.value);
        }
        break;
      }
      case OpKind::kPutPc: {
        auto e = account_.PutProvisionedConcurrencyConfig(op.input, *op.qualifier, op.value, now_);
        Outcome r = ref_.PutProvisionedConcurrencyConfig(name, *op.qualifier, op.value);
        count(r);
        SameStatus("PutProvisionedConcurrencyConfig", e.status(), r);
        if (e.ok() && r.ok()) {
          const ReferenceModel::Config& c = ref_.Find(name)->configs.at(*op.qualifier);
          Same("PutPC status", e->status, ProvisionedStatus::kInProgress);
          Same("PutPC requested", std::int64_t{e->requested}, op.value);
          Same("PutPC allocated", std::int64_t{e->allocated}, std::int64_t{0});
          Same("PutPC available", std::int64_t{e->available}, std::int64_t{0});
          Same("PutPC environments", static_cast<std::int64_t>(e->environments.size()), op.value);
          Same("PutPC qualifier", e->qualifier, *op.qualifier);
          Same("PutPC version", std::int64_t{e->version}, std::int64_t{c.version});
          RememberTicket({e->ticket, c.allocation, op.fn});
        }
        break;
      }
      case OpKind::kGetPc: {
        Outcome r = ref_.GetProvisionedConcurrencyConfig(name, *op.qualifier);
        count(r);
        SameStatus("GetProvisionedConcurrencyConfig",
                   account_.GetProvisionedConcurrencyConfig(op.input, *op.qualifier).status(), r);
        break;
      }
      case OpKind::kDeletePc: {
        Outcome r = ref_.DeleteProvisionedConcurrencyConfig(name, *op.qualifier);
        count(r);
        SameStatus("DeleteProvisionedConcurrencyConfig",
                   account_.DeleteProvisionedConcurrencyConfig(op.input, *op.qualifier, now_), r);
        break;
      }
      case OpKind::kCompleteOk:
      case OpKind::kCompleteFail: {
        if (op.argument == "none") break;
        const Ticket t =
            op.argument == "current" ? current_tickets_[op.index] : old_tickets_[op.index];
        const bool success = op.kind == OpKind::kCompleteOk;
        const std::string reason = success ? "" : "FUNCTION_ERROR_INIT_FAILURE";
        Outcome r = ref_.CompleteProvisioning(t.allocation, success, reason, now_);
        count(r);
        SameStatus("CompleteProvisioning",
                   account_.CompleteProvisioning(t.engine, success, reason, now_), r);
        break;
      }
      case OpKind::kAdmitSync:
      case OpKind::kAdmitAsync:
        return ApplyAdmit(op, name, kind_index);
      case OpKind::kRelease: {
        const InFlight g = grants_[op.index];
        grants_[op.index] = grants_.back();
        grants_.pop_back();
        busy_environments_.erase(g.grant.environment);
        account_.Release(g.grant, now_);
        ref_.Release(g.ref, now_);
        break;
      }
      case OpKind::kSetLimit:
        account_.SetConcurrencyLimit(op.value, now_);
        ref_.SetConcurrencyLimit(op.value, now_);
        if (ref_.Pool().unreserved < kMinimum) Count(Event::kLimitBelowMinimum);
        break;
      case OpKind::kReclaim:
        // Observably a no-op: an expired environment is never handed out either way.
        account_.ReclaimIdleEnvironments(now_);
        break;
      case OpKind::kAdvance:
        now_ += op.dt;
        break;
      case OpKind::kIsLive: {
        const LiveTarget& t = targets_[op.index];
        const ReferenceModel::Function* f = ref_.Find(FunctionName(t.fn));
        const bool live = f != nullptr && f->incarnation == t.incarnation &&
                          f->versions.count(t.target.version) > 0;
        if (!live) Count(Event::kStaleTargetNotLive);
        Same("IsLive", account_.IsLive(t.target), live);
        break;
      }
      case OpKind::kCount:
        break;
    }
    return false;
  }

  bool ApplyAdmit(const Op& op, const std::string& name, std::size_t kind_index) {
    const bool in_name = op.argument == "in-name";
    auto target = account_.ResolveInvokeTarget(
        op.input,
        in_name || !op.qualifier ? std::nullopt : std::optional<std::string_view>(*op.qualifier));
    Outcome r = ref_.Resolve(name, op.qualifier);
    ++rule_counts_[kind_index][Index(r.rule)];
    SameStatus("ResolveInvokeTarget", target.status(), r);
    if (!target.ok() || !r.ok()) return false;
    Same("ResolveInvokeTarget version", std::int64_t{target->version}, r.value);
    if (!failure_.empty()) return false;

    const ReferenceModel::Function& f = *ref_.Find(name);
    const std::optional<std::int32_t> rc = f.reserved;
    const std::int32_t total_pc = ReferenceModel::ProvisionedTotal(f);
    const std::uint32_t version = static_cast<std::uint32_t>(r.value);
    if (targets_.size() < 16) {
      targets_.push_back({*target, op.fn, f.incarnation});
    } else {
      targets_[Uniform(0, 15)] = {*target, op.fn, f.incarnation};
    }

    const bool synchronous = op.kind == OpKind::kAdmitSync;
    const core::AdmissionDecision e = account_.Admit(*target, synchronous, now_);
    const reference::Admission a = ref_.Admit(name, version, synchronous, now_);
    ++decider_counts_[Index(a.decider)];
    Same("Admit throttle", e.throttle, a.throttle);
    if (!e.admitted() || !a.admitted()) {
      if (a.decider == Decider::kReserved && rc == 0) Count(Event::kReservedThrottleRcZero);
      if (a.decider == Decider::kReserved && rc > 0 && *rc == total_pc)
        Count(Event::kReservedThrottleRcIsPc);
      if (a.spilled_then_throttled) Count(Event::kSpilloverThrottled);
      return false;
    }
    Same("Admit start", e.grant.start, a.start);
    Same("Admit spillover", e.grant.spillover, a.spillover);
    if (a.spillover) Count(Event::kSpillover);
    if (a.cold_after_keep_alive) Count(Event::kColdAfterKeepAlive);
    if (a.start == StartKind::kProvisioned) {
      // Served by a config on another qualifier: an alias invoked through its version, or
      // another alias pointing at the same version.
      const std::string q = op.qualifier.value_or("$LATEST");
      if (!f.configs.count(q)) Count(Event::kProvisionedViaOtherQualifier);
    }
    if (e.grant.environment == 0 || !busy_environments_.insert(e.grant.environment).second) {
      Fail("Admit handed out environment ", e.grant.environment, ", which is already busy");
    }
    grants_.push_back({e.grant, a.grant, op.fn});
    return true;
  }

  void RememberTicket(const Ticket& t) {
    if (old_tickets_.size() == 32) old_tickets_.pop_front();
    old_tickets_.push_back(t);
  }

  // ---- State comparison and invariants ----
  std::int32_t SlotOnDemand(std::uint32_t slot) {
    if (slot == core::kNoSlot) return 0;
    seen_function_slots_ = std::max(seen_function_slots_, slot + 1);
    return account_.ledger().OnDemandBusy(slot);
  }
  std::int32_t SlotProvisioned(std::uint32_t slot) {
    if (slot == core::kNoSlot) return 0;
    seen_provisioned_slots_ = std::max(seen_provisioned_slots_, slot + 1);
    return account_.ledger().ProvisionedBusy(slot);
  }

  // Reads the engine's state into `s` and compares it with the reference's as it goes:
  // every function when `full`, else function `touched` in full and the others' busy
  // counters (their configuration is carried over from before_).
  void TakeSnapshot(Snapshot& s, int touched, bool full) {
    s.pool = account_.Pool();
    s.counters.on_demand.assign(s.counters.on_demand.size(), 0);
    s.counters.provisioned.assign(s.counters.provisioned.size(), 0);
    if (full) current_tickets_.clear();

    const reference::PoolState r = ref_.Pool();
    Same("Pool().limit", s.pool.limit, r.limit);
    Same("Pool().unreserved_minimum", s.pool.unreserved_minimum, r.unreserved_minimum);
    Same("Pool().allocated", s.pool.allocated, r.allocated);
    Same("Pool().unreserved", s.pool.unreserved, r.unreserved);
    Same("Pool().unreserved_busy", s.pool.unreserved_busy, r.unreserved_busy);
    Same("Pool().claimed", s.pool.claimed, r.claimed);
    Same("Pool().function_count", s.pool.function_count, r.function_count);

    if (!full && touched >= 0) {
      std::erase_if(current_tickets_, [&](const Ticket& t) { return t.fn == touched; });
    }
    for (int i = 0; i < kFunctionCount; ++i) {
      if (full || i == touched) {
        TakeFunction(i, s.functions[i], s.counters);
      } else {
        RefreshBusy(i, before_.functions[i], s.functions[i], s.counters);
      }
    }
    // Slots still draining (deleted functions, retired configs) are known from the grants.
    for (const InFlight& g : grants_) {
      Counters::Set(s.counters.on_demand, g.grant.function, SlotOnDemand(g.grant.function));
      if (g.grant.provisioned != core::kNoSlot) {
        Counters::Set(s.counters.provisioned, g.grant.provisioned,
                      SlotProvisioned(g.grant.provisioned));
      }
    }
  }

  void TakeFunction(int i, FunctionState& fs, Counters& counters) {
    const std::string name = FunctionName(i);
    const ReferenceModel::Function* rf = ref_.Find(name);
    auto view = account_.GetFunction(name);
    fs = FunctionState{};
    if (rf == nullptr) {
      Same("GetFunction of a deleted function", view.status().code(), ErrorCode::kNotFound);
      return;
    }
    if (!view.ok()) {
      Fail("GetFunction(", name, "): ", view.status().ToString(), ", but the function exists");
      return;
    }
    fs.live = true;
    fs.slot = slots_[i];
    fs.reserved = view->reserved;
    fs.provisioned_total = view->provisioned_total;
    fs.on_demand_busy = SlotOnDemand(fs.slot);
    Counters::Set(counters.on_demand, fs.slot, fs.on_demand_busy);

    Same("GetFunction reserved", view->reserved ? std::int64_t{*view->reserved} : -1,
         rf->reserved ? std::int64_t{*rf->reserved} : -1);
    Same("GetFunction provisioned_total", std::int64_t{view->provisioned_total},
         std::int64_t{ReferenceModel::ProvisionedTotal(*rf)});
    Same("GetFunction on_demand_busy", std::int64_t{view->on_demand_busy},
         std::int64_t{ref_.OnDemandBusy(*rf)});
    Same("ledger OnDemandBusy(slot)", std::int64_t{fs.on_demand_busy},
         std::int64_t{ref_.OnDemandBusy(*rf)});
    std::vector<std::uint32_t> versions;
    for (const auto& [v, unused] : rf->versions) {
      if (v != 0) versions.push_back(v);
    }
    Same("GetFunction versions", view->versions, versions);
    Same("GetFunction aliases", view->aliases, rf->aliases);

    auto configs = account_.ListProvisionedConcurrencyConfigs(name);
    if (!configs.ok()) {
      Fail("ListProvisionedConcurrencyConfigs(", name, "): ", configs.status().ToString());
      return;
    }
    Same("number of PC configs", static_cast<std::int64_t>(configs->size()),
         static_cast<std::int64_t>(rf->configs.size()));
    if (!failure_.empty()) return;
    auto rc = rf->configs.begin();
    for (const ProvisionedConfigView& c : *configs) {
      const auto& [q, config] = *rc++;
      Same("PC config qualifier (list order)", c.qualifier, q);
      Same("PC status", c.status, config.status);
      Same("PC requested", std::int64_t{c.requested}, std::int64_t{config.requested});
      Same("PC allocated", std::int64_t{c.allocated}, std::int64_t{config.allocated()});
      Same("PC available", std::int64_t{c.available}, std::int64_t{config.allocated()});
      Same("PC version served", std::int64_t{c.version}, std::int64_t{config.version});
      if (config.status == ProvisionedStatus::kFailed)
        Same("PC status reason", c.status_reason, config.status_reason);
      const std::int32_t busy = SlotProvisioned(c.ticket.slot);
      Same("ledger ProvisionedBusy(slot)", std::int64_t{busy},
           std::int64_t{ref_.ProvisionedBusy(config)});
      Counters::Set(counters.provisioned, c.ticket.slot, busy);
      fs.configs.push_back({c.ticket.slot, c.allocated, busy});
      fs.provisioned_busy += busy;
      if (config.status == ProvisionedStatus::kInProgress) {
        current_tickets_.push_back({c.ticket, config.allocation, i});
      }
    }
  }

  // A function the step did not name: its configuration is what it was; re-read and compare
  // its busy counters only.
  void RefreshBusy(int i, const FunctionState& before, FunctionState& fs, Counters& counters) {
    fs = before;
    if (!fs.live) return;
    const ReferenceModel::Function* rf = ref_.Find(FunctionName(i));
    if (rf == nullptr || rf->configs.size() != fs.configs.size()) {
      Fail(FunctionName(i), " changed although the step did not name it");
      return;
    }
    fs.on_demand_busy = SlotOnDemand(fs.slot);
    Counters::Set(counters.on_demand, fs.slot, fs.on_demand_busy);
    Same("ledger OnDemandBusy(slot)", std::int64_t{fs.on_demand_busy},
         std::int64_t{ref_.OnDemandBusy(*rf)});
    fs.provisioned_busy = 0;
    auto rc = rf->configs.begin();
    for (auto& c : fs.configs) {
      c.busy = SlotProvisioned(c.slot);
      Same("ledger ProvisionedBusy(slot)", std::int64_t{c.busy},
           std::int64_t{ref_.ProvisionedBusy((rc++)->second)});
      Counters::Set(counters.provisioned, c.slot, c.busy);
      fs.provisioned_busy += c.busy;
    }
  }

  // The invariants, on the engine's own state, comparing the state before and after a step.
  //
  // Only an admission may raise a busy count. Configuration changes can move a bound below
  // what is already running (lowering RC, reserving for another function, lowering the
  // limit) or move running executions from one pool to another (deleting RC or the
  // function), but nothing can stop an execution that is already running. So each
  // bound-invariant is checked in its honest form:
  //
  //   after every step, the bounded quantity is within its bound, OR the step did not raise
  //   it (nothing new was admitted above the bound).
  //
  // and, separately and strictly: a step that admitted nothing raised no busy counter, an
  // admission raised exactly the one counter it was charged to, by one. The only aggregate
  // that a non-admission may raise is the unreserved pool's busy count, by moving in the
  // executions of a function that lost its RC; that is allowed above the bound and counted.
  void Check(const Op& op, bool admitted, int touched) {
    TakeSnapshot(after_, touched, step_ % kFullSweep == 0);
    if (!failure_.empty()) return;
    const Snapshot& b = before_;
    const Snapshot& a = after_;
    const PoolView& p = a.pool;

    // Nothing negative.
    if (p.unreserved_busy < 0) Fail("unreserved_busy is negative: ", p.unreserved_busy);
    for (std::size_t s = 0; s < a.counters.on_demand.size(); ++s) {
      if (a.counters.on_demand[s] < 0) Fail("on-demand busy of slot ", s, " is negative");
    }
    for (std::size_t s = 0; s < a.counters.provisioned.size(); ++s) {
      if (a.counters.provisioned[s] < 0) Fail("provisioned busy of slot ", s, " is negative");
    }

    // Which counter an admission raised.
    std::uint32_t raised_od = core::kNoSlot;
    std::uint32_t raised_pc = core::kNoSlot;
    if (admitted) {
      const core::Grant& g = grants_.back().grant;
      if (g.start == StartKind::kProvisioned) {
        raised_pc = g.provisioned;
      } else {
        raised_od = g.function;
      }
    }
    auto check_counters = [&](const std::vector<std::int32_t>& before,
                              const std::vector<std::int32_t>& after, std::uint32_t raised,
                              const char* what) {
      const std::size_t n = std::max(before.size(), after.size());
      for (std::uint32_t s = 0; s < n; ++s) {
        const std::int32_t x = Counters::At(before, s);
        const std::int32_t y = Counters::At(after, s);
        if (s == raised ? y != x + 1 : y > x) {
          Fail(what, " busy of slot ", s, " went ", x, " -> ", y, " in a step that ",
               s == raised ? "admitted one execution on it" : "admitted nothing on it");
        }
      }
    };
    check_counters(b.counters.on_demand, a.counters.on_demand, raised_od, "on-demand");
    check_counters(b.counters.provisioned, a.counters.provisioned, raised_pc, "provisioned");

    bool exceeded_held = false;
    for (int i = 0; i < kFunctionCount; ++i) {
      const FunctionState& f = a.functions[i];
      if (!f.live) continue;
      const FunctionState& fb = b.functions[i];
      const bool same = fb.live && fb.slot == f.slot;
      const std::int32_t od_before = same ? fb.on_demand_busy : 0;
      // PC busy of a config: within its allocation, or not raised.
      for (const auto& c : f.configs) {
        if (c.busy > c.allocated) {
          if (c.busy > Counters::At(b.counters.provisioned, c.slot)) {
            Fail("PC busy ", c.busy, " > allocated ", c.allocated, " on ", FunctionName(i),
                 " and the step raised it");
          }
          exceeded_held = true;
        }
      }
      if (!f.reserved) continue;
      const std::int32_t rc = *f.reserved;
      // Σ PC ≤ RC: configuration rules, both directions (§2 rows 4 and 5). Strict.
      if (f.provisioned_total > rc) {
        Fail(FunctionName(i), ": total PC ", f.provisioned_total, " > RC ", rc);
      }
      // On-demand executions of a function with RC stay within RC − Σ PC (§3.2).
      if (f.on_demand_busy > rc - f.provisioned_total) {
        if (f.on_demand_busy > od_before) {
          Fail(FunctionName(i), ": on-demand busy ", f.on_demand_busy, " > RC ", rc, " - PC ",
               f.provisioned_total, " and the step raised it");
        }
        exceeded_held = true;
      }
      // busy(f) ≤ RC(f). An admission within a part's own share (on-demand within RC − Σ PC,
      // PC within its allocation, both checked above) may raise busy(f) while executions
      // admitted under a higher RC drain; anything else that raises it above RC is wrong.
      const std::int32_t busy = f.on_demand_busy + f.provisioned_busy;
      const std::int32_t busy_before = same ? fb.on_demand_busy + fb.provisioned_busy : 0;
      if (busy > rc) {
        const bool od_raised = f.on_demand_busy > od_before;
        if (busy > busy_before && od_raised) {
          Fail(FunctionName(i), ": busy ", busy, " > RC ", rc, " raised by an on-demand admission");
        }
        exceeded_held = true;
      }
    }

    // The unreserved pool: Σ on-demand busy of functions without RC ≤ limit − allocated.
    const std::int64_t pool_bound = p.limit - p.allocated;
    if (p.unreserved_busy > pool_bound) {
      if (p.unreserved_busy > b.pool.unreserved_busy) {
        const bool moved_in =
            !admitted && (op.kind == OpKind::kDeleteRc || op.kind == OpKind::kDeleteFunction);
        if (!moved_in) {
          Fail("unreserved_busy ", p.unreserved_busy, " > limit ", p.limit, " - allocated ",
               p.allocated, " and ", kOpNames[Index(op.kind)], " raised it from ",
               b.pool.unreserved_busy);
        }
        Count(Event::kBoundExceededByMove);
      } else {
        exceeded_held = true;
      }
    }
    // claimed ≤ limit: only an admission into the pool raises it past the limit.
    if (p.claimed > p.limit) {
      if (admitted && p.claimed > b.pool.claimed) {
        Fail("claimed ", p.claimed, " > limit ", p.limit, " raised by an admission");
      }
      exceeded_held = true;
    }
    // A configuration change that raised the allocation kept the unreserved minimum (§2).
    if (p.allocated > b.pool.allocated && p.limit - p.allocated < p.unreserved_minimum) {
      Fail(kOpNames[Index(op.kind)], " raised allocated to ", p.allocated, " with limit ", p.limit,
           ": unreserved below the minimum ", p.unreserved_minimum);
    }
    if (exceeded_held) Count(Event::kBoundHeldNotRaised);
    std::swap(before_, after_);
  }

 public:
  std::string History() const {
    std::ostringstream os;
    for (const auto& h : history_) {
      os << "  #" << h.step << " t=" << h.at.unix_nanos() << "ns " << Describe(h.op) << "\n";
    }
    return os.str();
  }

 private:
  std::string Describe(const Op& op) const {
    std::ostringstream os;
    os << kOpNames[Index(op.kind)];
    switch (op.kind) {
      case OpKind::kAdvance:
        os << " +" << op.dt.nanos() << "ns";
        break;
      case OpKind::kRelease:
        os << " grant[" << op.index << "]";
        break;
      case OpKind::kSetLimit:
        os << " " << op.value;
        break;
      case OpKind::kReclaim:
        break;
      case OpKind::kIsLive:
        os << " target[" << op.index << "]";
        break;
      case OpKind::kCompleteOk:
      case OpKind::kCompleteFail:
        os << " " << op.argument << " ticket[" << op.index << "]";
        break;
      default:
        os << " " << op.input;
        if (op.qualifier) os << " q=" << *op.qualifier;
        if (!op.argument.empty()) os << " arg=" << op.argument;
        if (op.kind == OpKind::kPutRc || op.kind == OpKind::kPutPc) os << " value=" << op.value;
    }
    return os.str();
  }

  struct HistoryEntry {
    std::uint64_t step;
    Timestamp at;
    Op op;
  };

  const std::uint64_t seed_;
  std::mt19937_64 rng_;
  Timestamp now_ = Timestamp::Epoch();
  const reference::Settings settings_;
  const core::Tunables tunables_;
  Engine engine_;
  Account& account_;
  ReferenceModel ref_;

  std::uint64_t step_ = 0;
  Mode mode_ = Mode::kNormal;
  std::int64_t mode_left_ = 0;
  int storm_fn_ = 0;
  std::array<std::uint32_t, kFunctionCount> slots_{};
  std::uint32_t seen_function_slots_ = 0;
  std::uint32_t seen_provisioned_slots_ = 0;
  // Weights of the operations in normal mode, in tenths of a percent, in OpKind order.
  std::discrete_distribution<int> normal_ops_{{
      25,   // kCreateFunction
      8,    // kDeleteFunction
      10,   // kDeleteVersion
      20,   // kUpdateCode
      30,   // kPublish
      30,   // kCreateAlias
      30,   // kUpdateAlias
      10,   // kDeleteAlias
      40,   // kPutRc
      20,   // kDeleteRc
      10,   // kGetRc
      60,   // kPutPc
      10,   // kGetPc
      20,   // kDeletePc
      50,   // kCompleteOk
      12,   // kCompleteFail
      180,  // kAdmitSync
      70,   // kAdmitAsync
      190,  // kRelease
      8,    // kSetLimit
      10,   // kReclaim
      120,  // kAdvance
      10,   // kIsLive
  }};

  std::vector<InFlight> grants_;
  std::unordered_set<core::EnvironmentId> busy_environments_;
  std::vector<Ticket> current_tickets_;
  std::deque<Ticket> old_tickets_;
  std::vector<LiveTarget> targets_;
  Snapshot before_;
  Snapshot after_;
  std::deque<HistoryEntry> history_;
  std::string failure_;

  static constexpr std::size_t kRules = static_cast<std::size_t>(Rule::kCount);
  static constexpr std::size_t kOps = static_cast<std::size_t>(OpKind::kCount);
  std::array<std::array<std::uint64_t, kRules>, kOps> rule_counts_{};
  std::array<std::uint64_t, static_cast<std::size_t>(Decider::kCount)> decider_counts_{};
  std::array<std::uint64_t, static_cast<std::size_t>(Event::kCount)> event_counts_{};
};

TEST(ModelFuzzTest, EngineAgreesWithReferenceModel) {
  const std::uint64_t seed = EnvOr("HR_FUZZ_SEED", kDefaultSeed);
  const std::uint64_t ops = EnvOr("HR_FUZZ_OPS", kDefaultOps);
  const auto start = std::chrono::steady_clock::now();
  auto fuzz = std::make_unique<ModelFuzz>(seed);
  fuzz->Run(ops);
  if (fuzz->failure().empty()) fuzz->Drain();
  const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  ASSERT_TRUE(fuzz->failure().empty())
      << "HR_FUZZ_SEED=" << seed << " HR_FUZZ_OPS=" << ops << "\n"
      << fuzz->failure() << "\nlast operations (the last one failed):\n"
      << fuzz->History();
  std::cout << fuzz->Report() << "  (" << elapsed.count() << " s)\n";
  if (ops < kCoverageOps) {
    std::cout << "  fewer than " << kCoverageOps << " operations: coverage not checked\n";
    return;
  }
  for (const std::string& never : fuzz->NeverSeen()) {
    ADD_FAILURE() << "HR_FUZZ_SEED=" << seed << ": never happened: " << never;
  }
}

// ---- The engine/spec disagreements the fuzzer found, each as its smallest sequence --------
// Each test states what the spec requires and checks that the reference predicts the same.

core::Tunables SmallAccount() {
  core::Tunables t;
  t.account_concurrency_limit = 10;
  t.unreserved_minimum = 0;
  return t;
}

class ModelFuzzReproTest : public AccountTest {
 protected:
  ModelFuzzReproTest() : AccountTest(SmallAccount()), ref_(Settings(), now()) {}
  static reference::Settings Settings() {
    reference::Settings s;
    s.limit = 10;
    s.unreserved_minimum = 0;
    return s;
  }
  ReferenceModel ref_;
};

// Deleting a function that has RC while its executions run. They have no reservation any
// more, so they are on-demand executions of a function without RC and count in the
// unreserved pool until they finish (§3.4: ClaimedAccountConcurrency = live on-demand usage
// of functions without RC + allocated), exactly as after DeleteFunctionConcurrency and as
// for a deleted function that never had RC. Counted nowhere, they let the account run
// limit + RC executions at once (here 4 + 10 on a limit of 10).
TEST_F(ModelFuzzReproTest, DeletedReservedFunctionCountsInThePoolUntilDrained) {
  Create("f");
  Create("g");
  PutReserved("f", 4);
  ASSERT_TRUE(ref_.CreateFunction("f", now()).ok());
  ASSERT_TRUE(ref_.CreateFunction("g", now()).ok());
  ASSERT_TRUE(ref_.PutFunctionConcurrency("f", false, 4).ok());
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(Invoke("f").admitted());
    ASSERT_TRUE(ref_.Admit("f", 0, /*synchronous=*/true, now()).admitted());
  }
  ASSERT_TRUE(account().DeleteFunction("f", std::nullopt, now()).ok());
  ASSERT_TRUE(ref_.DeleteFunction("f", std::nullopt).ok());
  EXPECT_EQ(ref_.Pool().unreserved_busy, 4);
  EXPECT_EQ(account().Pool().unreserved_busy, 4);
  EXPECT_EQ(account().Pool().claimed, 4);
  int admitted = 0;
  while (admitted < 20 && Invoke("g").admitted()) ++admitted;
  EXPECT_EQ(admitted, 6) << "g may use only what f's draining executions leave of the limit";
}

// A request whose value breaks the model's constraint (ReservedConcurrentExecutions ≥ 0) is
// rejected by request validation before the service looks at the function name, so the
// answer is the ValidationException (§1.3), not the qualified-name rule. The engine already
// orders it so for a missing function and for PutProvisionedConcurrencyConfig.
TEST_F(ModelFuzzReproTest, ValueValidationComesBeforeTheQualifiedNameRule) {
  CreatePublished("f");
  const std::string message =
      "1 validation error detected: Value '-1' at 'reservedConcurrentExecutions' failed to "
      "satisfy constraint: Member must have value greater than or equal to 0";
  EXPECT_EQ(ref_.PutFunctionConcurrency("f", /*qualified_name=*/true, -1).message, message);
  const Status s = account().PutFunctionConcurrency("f:1", -1, now()).status();
  EXPECT_EQ(s.code(), ErrorCode::kValidation) << s.ToString();
  EXPECT_EQ(s.message(), message);
}

// PC is "only on a published version or an alias; never $LATEST" (§3.3, §2 row 6), and with
// RC == Σ PC "$LATEST/unprovisioned versions are throttled while the PC version still runs"
// (§3.2). An alias pointing at $LATEST must therefore not take a config; the engine refuses
// to *move* a provisioned alias onto $LATEST with this message, but accepts the Put, and
// then serves $LATEST from PC.
TEST_F(ModelFuzzReproTest, NoProvisionedConcurrencyOnAnAliasOfLatest) {
  Create("f");
  ASSERT_TRUE(account().CreateAlias("f", "latest", "$LATEST", now()).ok());
  const std::string message =
      "Provisioned Concurrency Configs cannot be applied to unpublished function versions.";
  auto put = account().PutProvisionedConcurrencyConfig("f", "latest", 1, now());
  EXPECT_EQ(put.status().code(), ErrorCode::kInvalidParameter) << put.status().ToString();
  EXPECT_EQ(put.status().message(), message);
  if (put.ok()) {
    ASSERT_TRUE(account().CompleteProvisioning(put->ticket, true, "", now()).ok());
    PutReserved("f", 1);
    EXPECT_EQ(Invoke("f").throttle,
              ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded)
        << "RC == Σ PC must throttle $LATEST";
  }
}

}  // namespace
}  // namespace hr::engine
