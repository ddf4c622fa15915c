#pragma once
// ReferenceModel: a second, deliberately naive implementation of Lambda's concurrency rules,
// used only by model_fuzz_test.cc to check the engine.
//
// It is written from ../shared/spec/aws-lambda-concurrency.md (§1.4, §2, §3.2–§3.5) and
// user-stories.md alone, never from engine/account.cc or core/admission.cc: the point is an
// independent second opinion. It favours obviousness over speed. Functions are found by
// name in std::map, and every derived number is recomputed from scratch each time it is
// needed, with nothing cached:
//   allocated      = Σ RC(f) + Σ PC of the functions without RC            (§3.4)
//   unreserved     = limit − allocated
//   unreserved busy= on-demand executions of functions without RC (incl. deleted ones)
//   claimed        = unreserved busy + allocated
//   RC on-demand cap = RC − Σ PC(f)                                         (§3.2)
// Where the spec leaves a choice open, the code says "Spec silent" and gives the choice.
//
// Tests only. Single-threaded. Time comes in as `now` and never goes backwards.

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error_code.h"
#include "base/time.h"
#include "core/pools.h"
#include "base/throttle_reason.h"

namespace hr::engine::reference {

using core::ProvisionedStatus;
using core::StartKind;

// The model's constants, given to the reference and (separately) to the engine's Tunables.
struct Settings {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  std::int64_t limit = 1000;
  std::int64_t unreserved_minimum = 100;
  std::int64_t scaling_capacity = 1000;   // environments
  std::int64_t scaling_per_second = 100;  // environments per second
  std::int64_t requests_per_concurrency = 10;
  Duration keep_alive = Duration::Minutes(5);
  ThrottleReason account_rate_reason = ThrottleReason::kFunctionInvocationRateLimitExceeded;
  ThrottleReason provisioned_rate_reason =
      ThrottleReason::kReservedFunctionInvocationRateLimitExceeded;
  ThrottleReason scaling_reason = ThrottleReason::kFunctionInvocationRateLimitExceeded;
};

// A token bucket refilled continuously: `per_second` tokens a second, never above
// `capacity`, full when made. Counted in billionths of a token so that it is exact.
class Bucket {
 public:
  Bucket() = default;
  Bucket(std::int64_t capacity, std::int64_t per_second, Timestamp now)
      : capacity_(capacity * kNano), per_second_(per_second), tokens_(capacity_), last_(now) {}

  bool TryTake(Timestamp now) {
    Refill(now);
    if (tokens_ < kNano) return false;
    tokens_ -= kNano;
    return true;
  }
  // New capacity and rate from `now` on; tokens above the new capacity are dropped.
  void Reconfigure(std::int64_t capacity, std::int64_t per_second, Timestamp now) {
    Refill(now);
    capacity_ = capacity * kNano;
    per_second_ = per_second;
    tokens_ = std::min(tokens_, capacity_);
  }

 private:
  static constexpr std::int64_t kNano = 1'000'000'000;
  void Refill(Timestamp now) {
    if (now <= last_) return;
    // One nanosecond at `per_second` tokens/s brings `per_second` billionths of a token.
    const __int128 filled =
        static_cast<__int128>(tokens_) + static_cast<__int128>((now - last_).nanos()) * per_second_;
    tokens_ = filled > capacity_ ? capacity_ : static_cast<std::int64_t>(filled);
    last_ = now;
  }

  std::int64_t capacity_ = 0;
  std::int64_t per_second_ = 0;
  std::int64_t tokens_ = 0;
  Timestamp last_;
};

// Which rule decided an operation's outcome; the fuzz test counts them.
enum class Rule : std::uint8_t {
  kOk,
  kValidation,     // RC < 0, PC < 1
  kQualifiedName,  // PutFunctionConcurrency on name:qualifier
  kFunctionNotFound,
  kVersionNotFound,
  kAliasNotFound,
  kConfigNotFound,  // Get PC on an existing version/alias without config
  kDuplicateFunction,
  kDuplicateAlias,
  kRcBelowMinimum,                  // §2 row 1
  kRcBelowProvisioned,              // §2 row 5
  kPcOnLatest,                      // §2 row 6
  kPcLatestQualifier,               // §2 row 7 (Get/Delete PC with $LATEST)
  kPcAboveRc,                       // §2 row 4
  kPcAboveUnreserved,               // §2 row 2
  kPcBelowMinimum,                  // §2 row 3
  kPcAliasOnProvisionedVersion,     // §2 row 8
  kPcVersionUnderProvisionedAlias,  // §2 row 9
  kAliasMoveConflict,               // UpdateAlias would put two configs on one version
  kDeleteLatest,
  kDeleteAliasAsVersion,
  kVersionInUse,
  kStaleTicket,
  kCount,
};

inline std::string_view RuleName(Rule r) {
  static constexpr std::string_view kNames[] = {"ok",
                                                "validation",
                                                "qualified-name",
                                                "function-not-found",
                                                "version-not-found",
                                                "alias-not-found",
                                                "config-not-found",
                                                "duplicate-function",
                                                "duplicate-alias",
                                                "rc-below-minimum",
                                                "rc-below-provisioned",
                                                "pc-on-latest",
                                                "pc-latest-qualifier",
                                                "pc-above-rc",
                                                "pc-above-unreserved",
                                                "pc-below-minimum",
                                                "pc-alias-on-provisioned-version",
                                                "pc-version-under-provisioned-alias",
                                                "alias-move-conflict",
                                                "delete-latest",
                                                "delete-alias-as-version",
                                                "version-in-use",
                                                "stale-ticket"};
  static_assert(std::size(kNames) == static_cast<std::size_t>(Rule::kCount));
  return kNames[static_cast<std::size_t>(r)];
}

// The predicted outcome of a control-plane operation.
struct Outcome {
  ErrorCode code = ErrorCode::kOk;
  std::string message;
  bool exact_message = true;  // false where the spec does not pin the text
  Rule rule = Rule::kOk;
  std::int64_t value = 0;  // PublishVersion: the version; PutPC: the allocation id;
                           // PutRC: the RC; Resolve: the version
  bool ok() const { return code == ErrorCode::kOk; }
};

// Which limit decided an admission; the fuzz test counts them.
enum class Decider : std::uint8_t {
  kProvisioned,
  kWarm,
  kCold,  // admitted
  kAccountRate,
  kProvisionedRate,
  kReserved,
  kUnreserved,
  kScaling,  // throttled
  kCount,
};

struct Admission {
  ThrottleReason throttle = ThrottleReason::kNone;
  StartKind start = StartKind::kCold;
  bool spillover = false;
  Decider decider = Decider::kCold;
  bool spilled_then_throttled = false;  // PC READY and full, and on-demand full too
  bool cold_after_keep_alive = false;   // idle environments existed but had all expired
  std::uint64_t grant = 0;
  bool admitted() const { return throttle == ThrottleReason::kNone; }
};

struct PoolState {
  std::int64_t limit = 0;
  std::int64_t unreserved_minimum = 0;
  std::int64_t allocated = 0;
  std::int64_t unreserved = 0;
  std::int64_t unreserved_busy = 0;
  std::int64_t claimed = 0;
  std::int64_t function_count = 0;
};

class ReferenceModel {
 public:
  // One provisioned-concurrency config, on a version or on an alias.
  struct Config {
    std::uint32_t version = 0;  // the version it serves
    std::int32_t requested = 0;
    ProvisionedStatus status = ProvisionedStatus::kInProgress;
    std::string status_reason;
    std::uint64_t allocation = 0;  // new on every put and move: its environments and tickets
    Bucket rate;                   // 10 × allocated per second, from READY on
    std::int32_t allocated() const { return status == ProvisionedStatus::kReady ? requested : 0; }
  };
  struct Version {
    std::uint32_t code = 0;       // code generation ($LATEST changes it on UpdateFunctionCode)
    std::vector<Timestamp> idle;  // when each idle on-demand environment became idle
  };
  struct Function {
    std::uint64_t incarnation = 0;  // new on every CreateFunction
    std::optional<std::int32_t> reserved;
    std::map<std::uint32_t, Version> versions;  // 0 = $LATEST
    std::uint32_t last_version = 0;             // version numbers are never reused
    std::map<std::string, std::uint32_t> aliases;
    std::map<std::string, Config> configs;  // by qualifier
    Bucket scaling;
  };

  ReferenceModel(Settings settings, Timestamp now)
      : s_(std::move(settings)),
        limit_(s_.limit),
        account_rate_(s_.requests_per_concurrency * s_.limit,
                      s_.requests_per_concurrency * s_.limit, now) {}

  // ---- Observers --------------------------------------------------------------------------
  const Function* Find(std::string_view name) const {
    auto it = functions_.find(std::string(name));
    return it == functions_.end() ? nullptr : &it->second;
  }
  static std::int32_t ProvisionedTotal(const Function& f) {
    std::int32_t total = 0;
    for (const auto& [q, c] : f.configs) total += c.requested;
    return total;
  }
  // A function's share of the allocated concurrency: RC if set, else Σ PC (RC counts instead).
  static std::int64_t Allocation(const Function& f) {
    return f.reserved ? *f.reserved : ProvisionedTotal(f);
  }
  std::int64_t Allocated() const {
    std::int64_t sum = 0;
    for (const auto& [n, f] : functions_) sum += Allocation(f);
    return sum;
  }
  std::int32_t OnDemandBusy(const Function& f) const {
    return BusyOf(on_demand_busy_, f.incarnation);
  }
  std::int32_t ProvisionedBusy(const Config& c) const {
    return BusyOf(provisioned_busy_, c.allocation);
  }
  // On-demand executions of every function without RC, including deleted functions (they
  // have no reservation any more, so their draining executions count in the shared pool).
  std::int64_t UnreservedBusy() const {
    std::int64_t sum = 0;
    for (const auto& [incarnation, busy] : on_demand_busy_) {
      const Function* f = ByIncarnation(incarnation);
      if (f == nullptr || !f->reserved) sum += busy;
    }
    return sum;
  }
  PoolState Pool() const {
    PoolState p;
    p.limit = limit_;
    p.unreserved_minimum = s_.unreserved_minimum;
    p.allocated = Allocated();
    p.unreserved = limit_ - p.allocated;
    p.unreserved_busy = UnreservedBusy();
    p.claimed = p.unreserved_busy + p.allocated;
    p.function_count = static_cast<std::int64_t>(functions_.size());
    return p;
  }
  std::int64_t limit() const { return limit_; }
  const Settings& settings() const { return s_; }

  // ---- Functions, versions, aliases -----------------------------------------------------
  Outcome CreateFunction(const std::string& name, Timestamp now) {
    if (functions_.count(name)) {
      return Error(ErrorCode::kConflict, "Function already exist: " + name,
                   Rule::kDuplicateFunction);
    }
    Function& f = functions_[name];
    f.incarnation = ++last_incarnation_;
    f.versions[0] = Version{};
    f.scaling = Bucket(s_.scaling_capacity, s_.scaling_per_second, now);
    return {};
  }

  // Without a qualifier deletes the function (its configs go with it; running executions
  // drain). With one, deletes that published version.
  Outcome DeleteFunction(const std::string& name, const std::optional<std::string>& qualifier) {
    Function* f = Mutable(name);
    if (f == nullptr) {
      Outcome o =
          Error(ErrorCode::kNotFound, "Function not found: " + Arn(name), Rule::kFunctionNotFound);
      o.exact_message = !qualifier.has_value();
      return o;
    }
    if (!qualifier) {
      functions_.erase(name);
      return {};
    }
    const std::string& q = *qualifier;
    if (q == "$LATEST") {
      return Error(ErrorCode::kInvalidParameter,
                   "$LATEST version cannot be deleted without deleting the function.",
                   Rule::kDeleteLatest);
    }
    if (!IsNumber(q)) {
      return Error(ErrorCode::kInvalidParameter, "Deletion of aliases is not currently supported.",
                   Rule::kDeleteAliasAsVersion);
    }
    const std::uint32_t v = ToVersion(q);
    if (!f->versions.count(v) || v == 0) return {};  // an absent version is not an error
    std::vector<std::string> users;
    for (const auto& [alias, target] : f->aliases) {
      if (target == v) users.push_back(alias);
    }
    if (!users.empty()) {
      std::string list;
      for (const auto& u : users) list += (list.empty() ? "" : ", ") + u;
      Outcome o = Error(
          ErrorCode::kConflict,
          "Unable to delete version because the following aliases reference it: [" + list + "]",
          Rule::kVersionInUse);
      o.exact_message = users.size() == 1;  // the separator for several is not recorded
      return o;
    }
    f->versions.erase(v);
    f->configs.erase(q);
    return {};
  }

  // New code for $LATEST: its idle environments are never used again.
  Outcome UpdateFunctionCode(const std::string& name) {
    Function* f = Mutable(name);
    if (f == nullptr) return LooseNotFound(name);
    Version& latest = f->versions.at(0);
    ++latest.code;
    latest.idle.clear();
    return {};
  }

  Outcome PublishVersion(const std::string& name) {
    Function* f = Mutable(name);
    if (f == nullptr) return LooseNotFound(name);
    const std::uint32_t v = ++f->last_version;
    f->versions[v] = Version{f->versions.at(0).code, {}};
    Outcome o;
    o.value = v;
    return o;
  }

  Outcome CreateAlias(const std::string& name, const std::string& alias,
                      const std::string& version) {
    Function* f = Mutable(name);
    if (f == nullptr) return LooseNotFound(name);
    // Spec silent on the order when both fail; the version is checked first.
    std::optional<std::uint32_t> v = AliasTarget(*f, version);
    if (!v) return VersionNotFound(name, version);
    if (f->aliases.count(alias)) {
      return Error(ErrorCode::kConflict, "Alias already exists: " + Arn(name, alias),
                   Rule::kDuplicateAlias);
    }
    f->aliases[alias] = *v;
    return {};
  }

  // Moving an alias moves its config: deallocated from the old version, allocated again on
  // the new one (§3.3), IN_PROGRESS until CompleteProvisioning.
  Outcome UpdateAlias(const std::string& name, const std::string& alias,
                      const std::string& version) {
    Function* f = Mutable(name);
    if (f == nullptr) return LooseNotFound(name);
    auto a = f->aliases.find(alias);
    // UpdateAlias words it differently from the provisioned-concurrency operations
    // (AWS-recorded, test_non_existent_alias_update).
    if (a == f->aliases.end()) {
      return Error(ErrorCode::kNotFound, "Alias not found: " + Arn(name, alias),
                   Rule::kAliasNotFound);
    }
    std::optional<std::uint32_t> v = AliasTarget(*f, version);
    if (!v) return VersionNotFound(name, version);
    auto c = f->configs.find(alias);
    // Spec silent on re-pointing an alias at the version it already names: nothing moves.
    if (c != f->configs.end() && *v != a->second) {
      // PC never serves $LATEST (§3.3), so a provisioned alias cannot move there.
      if (*v == 0) {
        return Error(ErrorCode::kInvalidParameter,
                     "Provisioned Concurrency Configs cannot be applied to unpublished function "
                     "versions.",
                     Rule::kPcOnLatest);
      }
      // Spec silent on moving a provisioned alias onto a version that already has a config;
      // "one config per version" (§3.3) must keep holding, so the move is refused with the
      // alias-conflict message of §2.
      if (ConfigServing(*f, *v) != nullptr) {
        Outcome o = Error(ErrorCode::kConflict,
                          "Alias can't be used for Provisioned Concurrency configuration on an "
                          "already Provisioned version",
                          Rule::kAliasMoveConflict);
        o.exact_message = false;
        return o;
      }
      c->second.version = *v;
      c->second.status = ProvisionedStatus::kInProgress;
      c->second.status_reason.clear();
      c->second.allocation = ++last_allocation_;
    }
    a->second = *v;
    return {};
  }

  // Deleting an alias deletes its config. Spec silent on an alias that does not exist:
  // like DeleteProvisionedConcurrencyConfig (§1.2), the delete is idempotent.
  Outcome DeleteAlias(const std::string& name, const std::string& alias) {
    Function* f = Mutable(name);
    if (f == nullptr) return LooseNotFound(name);
    f->aliases.erase(alias);
    f->configs.erase(alias);
    return {};
  }

  // ---- Reserved concurrency (§2, §3.2) -----------------------------------------------------
  // `qualified_name`: the client named a version or alias (name:qualifier).
  Outcome PutFunctionConcurrency(const std::string& name, bool qualified_name, std::int64_t rc) {
    if (rc < 0) {
      return Error(ErrorCode::kValidation,
                   "1 validation error detected: Value '" + std::to_string(rc) +
                       "' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member "
                       "must have value greater than or equal to 0",
                   Rule::kValidation);
    }
    if (qualified_name) {
      return Error(ErrorCode::kInvalidParameter,
                   "This operation is permitted on Lambda functions only. Aliases and versions do "
                   "not support this operation. Please specify either a function name or an "
                   "unqualified function ARN.",
                   Rule::kQualifiedName);
    }
    Function* f = Mutable(name);
    if (f == nullptr) {
      return Error(ErrorCode::kNotFound, "Function not found: " + Arn(name, "$LATEST"),
                   Rule::kFunctionNotFound);
    }
    // The function's own current share is replaced, not added to (§3.2 last bullet).
    // Spec silent on an account already below its minimum (only a lowered limit gets it
    // there): RC = 0 takes nothing from the pool and always passes this check.
    const std::int64_t allocated_after = Allocated() - Allocation(*f) + rc;
    if (rc > 0 && limit_ - allocated_after < s_.unreserved_minimum) {
      return Error(ErrorCode::kConcurrencyLimit,
                   "Specified ReservedConcurrentExecutions for function decreases account's "
                   "UnreservedConcurrentExecution below its minimum value of [" +
                       std::to_string(s_.unreserved_minimum) + "].",
                   Rule::kRcBelowMinimum);
    }
    const std::int32_t total_pc = ProvisionedTotal(*f);
    if (rc < total_pc) {
      return Error(ErrorCode::kConcurrencyLimit,
                   " ReservedConcurrentExecutions  " + std::to_string(rc) +
                       " should not be lower than function's total provisioned concurrency [" +
                       std::to_string(total_pc) + "].",
                   Rule::kRcBelowProvisioned);
    }
    f->reserved = static_cast<std::int32_t>(rc);
    Outcome o;
    o.value = rc;
    return o;
  }

  Outcome DeleteFunctionConcurrency(const std::string& name) {
    Function* f = Mutable(name);
    if (f == nullptr) {
      Outcome o =
          Error(ErrorCode::kNotFound, "Function not found: " + Arn(name), Rule::kFunctionNotFound);
      o.exact_message = false;
      return o;
    }
    f->reserved.reset();
    return {};
  }

  Outcome GetFunctionConcurrency(const std::string& name) const {
    const Function* f = Find(name);
    if (f == nullptr) {
      return Error(ErrorCode::kNotFound, "Function not found: " + Arn(name),
                   Rule::kFunctionNotFound);
    }
    Outcome o;
    o.value = f->reserved ? *f->reserved : -1;
    return o;
  }

  // ---- Provisioned concurrency (§2, §3.3) --------------------------------------------------
  // Check order: LocalStack's, the only one the spec gives (§2 last paragraph): value →
  // $LATEST → qualifier exists → RC cap → account unreserved → minimum → alias/version conflict.
  Outcome PutProvisionedConcurrencyConfig(const std::string& name, const std::string& q,
                                          std::int64_t n) {
    if (n < 1) {
      return Error(ErrorCode::kValidation,
                   "1 validation error detected: Value '" + std::to_string(n) +
                       "' at 'provisionedConcurrentExecutions' failed to satisfy constraint: "
                       "Member must have value greater than or equal to 1",
                   Rule::kValidation);
    }
    Target t = ResolveProvisioned(
        name, q,
        "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
        Rule::kPcOnLatest);
    if (!t.outcome.ok()) return t.outcome;
    Function& f = *t.function;
    // An alias that points at $LATEST is refused like $LATEST itself: PC is "only on a
    // published version or an alias; never $LATEST" (§3.3), and $LATEST is throttled when
    // RC == Σ PC (§3.2), so it must never be served by PC.
    if (t.is_alias && t.version == 0) {
      return Error(
          ErrorCode::kInvalidParameter,
          "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
          Rule::kPcOnLatest);
    }
    auto existing = f.configs.find(q);
    const std::int32_t old = existing == f.configs.end() ? 0 : existing->second.requested;
    if (f.reserved && ProvisionedTotal(f) - old + n > *f.reserved) {
      return Error(ErrorCode::kInvalidParameter,
                   "Requested Provisioned Concurrency should not be greater than the "
                   "reservedConcurrentExecution for function",
                   Rule::kPcAboveRc);
    }
    // With RC, PC is carved out of the reservation and changes nothing in the account's
    // accounting (§3.4: RC counts instead of PC), so the account checks apply only to a
    // function without RC. The config's own old value is given back first, as for RC.
    if (!f.reserved) {
      const std::int64_t available = limit_ - (Allocated() - old);
      if (n > available) {
        return Error(ErrorCode::kConcurrencyLimit,
                     "Specified ConcurrentExecutions for function is greater than account's "
                     "unreserved concurrency [" +
                         std::to_string(available) + "].",
                     Rule::kPcAboveUnreserved);
      }
      if (available - n < s_.unreserved_minimum) {
        return Error(ErrorCode::kConcurrencyLimit,
                     "Specified ConcurrentExecutions for function decreases account's "
                     "UnreservedConcurrentExecution below its minimum value of [" +
                         std::to_string(s_.unreserved_minimum) + "].",
                     Rule::kPcBelowMinimum);
      }
    }
    // One config per version: on the version itself or on one alias pointing at it (§3.3).
    for (const auto& [other_q, c] : f.configs) {
      if (other_q == q || c.version != t.version) continue;
      if (t.is_alias) {
        return Error(ErrorCode::kConflict,
                     "Alias can't be used for Provisioned Concurrency configuration on an already "
                     "Provisioned version",
                     Rule::kPcAliasOnProvisionedVersion);
      }
      return Error(ErrorCode::kConflict, "Version is pointed by a Provisioned Concurrency alias",
                   Rule::kPcVersionUnderProvisionedAlias);
    }
    Config& c = f.configs[q];
    c = Config{};
    c.version = t.version;
    c.requested = static_cast<std::int32_t>(n);
    c.allocation = ++last_allocation_;
    Outcome o;
    o.value = static_cast<std::int64_t>(c.allocation);
    return o;
  }

  Outcome GetProvisionedConcurrencyConfig(const std::string& name, const std::string& q) {
    Target t = ResolveProvisioned(
        name, q, "The function resource provided must be an alias or a published version.",
        Rule::kPcLatestQualifier);
    if (!t.outcome.ok()) return t.outcome;
    if (!t.function->configs.count(q)) {
      return Error(ErrorCode::kProvisionedConfigNotFound,
                   "No Provisioned Concurrency Config found for this function",
                   Rule::kConfigNotFound);
    }
    return {};
  }

  // Deleting a config that does not exist on an existing version or alias succeeds.
  Outcome DeleteProvisionedConcurrencyConfig(const std::string& name, const std::string& q) {
    Target t = ResolveProvisioned(
        name, q, "The function resource provided must be an alias or a published version.",
        Rule::kPcLatestQualifier);
    if (!t.outcome.ok()) return t.outcome;
    t.function->configs.erase(q);
    return {};
  }

  // The report on allocation `allocation`: READY (Allocated = Requested) or FAILED. Only the
  // current allocation of a live config, still IN_PROGRESS, accepts a report.
  Outcome CompleteProvisioning(std::uint64_t allocation, bool success, const std::string& reason,
                               Timestamp now) {
    for (auto& [name, f] : functions_) {
      for (auto& [q, c] : f.configs) {
        if (c.allocation != allocation || c.status != ProvisionedStatus::kInProgress) continue;
        if (success) {
          c.status = ProvisionedStatus::kReady;
          const std::int64_t per_second = s_.requests_per_concurrency * c.requested;
          c.rate = Bucket(per_second, per_second, now);
        } else {
          c.status = ProvisionedStatus::kFailed;
          c.status_reason = reason;
        }
        return {};
      }
    }
    Outcome o = Error(ErrorCode::kNotFound, "", Rule::kStaleTicket);
    o.exact_message = false;
    return o;
  }

  // ---- The account ------------------------------------------------------------------------
  void SetConcurrencyLimit(std::int64_t limit, Timestamp now) {
    limit_ = limit;
    account_rate_.Reconfigure(s_.requests_per_concurrency * limit,
                              s_.requests_per_concurrency * limit, now);
  }

  // ---- Data plane (§3.5) -----------------------------------------------------------------
  // The version an Invoke of `name` with `qualifier` runs ($LATEST = 0), in Outcome::value.
  Outcome Resolve(const std::string& name, const std::optional<std::string>& qualifier) const {
    const Function* f = Find(name);
    if (f == nullptr) {
      Outcome o =
          Error(ErrorCode::kNotFound, "Function not found: " + Arn(name), Rule::kFunctionNotFound);
      o.exact_message = !qualifier.has_value();
      return o;
    }
    Outcome o;
    if (!qualifier || *qualifier == "$LATEST") return o;
    if (IsNumber(*qualifier)) {
      std::optional<std::uint32_t> v = PublishedVersion(*f, *qualifier);
      if (!v) return VersionNotFound(name, *qualifier);
      o.value = *v;
      return o;
    }
    auto a = f->aliases.find(*qualifier);
    if (a == f->aliases.end()) {
      return Error(ErrorCode::kNotFound, "Function not found: " + Arn(name, *qualifier),
                   Rule::kAliasNotFound);
    }
    o.value = a->second;
    return o;
  }

  // REQUIRES: Resolve(name, ...) gave `version` at the same `now`.
  Admission Admit(const std::string& name, std::uint32_t version, bool synchronous, Timestamp now) {
    Function& f = functions_.at(name);
    Admission a;
    // 1. Synchronous invocations count against the account's request rate, 10 × limit / s.
    if (synchronous && !account_rate_.TryTake(now)) {
      return Throttle(s_.account_rate_reason, Decider::kAccountRate);
    }
    // 2. Provisioned first: a READY config serving the version, with a free environment.
    Config* pc = ConfigServing(f, version);
    if (pc != nullptr && pc->status == ProvisionedStatus::kReady) {
      if (ProvisionedBusy(*pc) < pc->requested) {
        // Spec §3.1: 10 × allocated PC requests per second per version or alias. Like the
        // account's request rate it limits requests, and asynchronous requests are limited
        // "based only on concurrency available" (§3.1, current D-lim): synchronous only.
        if (synchronous && !pc->rate.TryTake(now)) {
          return Throttle(s_.provisioned_rate_reason, Decider::kProvisionedRate);
        }
        ++provisioned_busy_[pc->allocation];
        a.start = StartKind::kProvisioned;
        a.decider = Decider::kProvisioned;
        a.grant = NewGrant({true, pc->allocation, version, 0});
        return a;
      }
      a.spillover = true;  // READY but every environment busy
    }
    // 3. On-demand: within RC − Σ PC if the function has RC, else within the unreserved pool.
    if (f.reserved) {
      if (OnDemandBusy(f) >= *f.reserved - ProvisionedTotal(f)) {
        Admission t = Throttle(ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded,
                               Decider::kReserved);
        t.spilled_then_throttled = a.spillover;
        return t;
      }
    } else if (UnreservedBusy() >= limit_ - Allocated()) {
      Admission t =
          Throttle(ThrottleReason::kConcurrentInvocationLimitExceeded, Decider::kUnreserved);
      t.spilled_then_throttled = a.spillover;
      return t;
    }
    // 4. A warm idle environment of the version, else a new one (a scaling token).
    Version& v = f.versions.at(version);
    const bool had_idle = !v.idle.empty();
    std::erase_if(v.idle, [&](Timestamp since) { return since + s_.keep_alive <= now; });
    if (!v.idle.empty()) {
      auto newest = std::max_element(v.idle.begin(), v.idle.end());
      v.idle.erase(newest);
      a.start = StartKind::kWarm;
      a.decider = Decider::kWarm;
    } else {
      if (!f.scaling.TryTake(now)) return Throttle(s_.scaling_reason, Decider::kScaling);
      a.start = StartKind::kCold;
      a.decider = Decider::kCold;
      a.cold_after_keep_alive = had_idle;
    }
    ++on_demand_busy_[f.incarnation];
    a.grant = NewGrant({false, f.incarnation, version, v.code});
    return a;
  }

  // REQUIRES: `grant` came from Admit and is released once.
  void Release(std::uint64_t grant, Timestamp now) {
    auto it = grants_.find(grant);
    const GrantRecord g = it->second;
    grants_.erase(it);
    if (g.provisioned) {
      Decrement(provisioned_busy_, g.owner);
      return;
    }
    Decrement(on_demand_busy_, g.owner);
    // The environment stays warm only if it still runs the version's current code.
    Function* f = MutableByIncarnation(g.owner);
    if (f == nullptr) return;
    auto v = f->versions.find(g.version);
    if (v == f->versions.end() || v->second.code != g.code) return;
    v->second.idle.push_back(now);
  }

  // The config that serves `version` (on the version itself or on an alias pointing at it).
  static Config* ConfigServing(Function& f, std::uint32_t version) {
    for (auto& [q, c] : f.configs) {
      if (c.version == version) return &c;
    }
    return nullptr;
  }
  static bool IsNumber(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  }

 private:
  struct GrantRecord {
    bool provisioned;
    std::uint64_t owner;  // allocation when provisioned, else function incarnation
    std::uint32_t version;
    std::uint32_t code;
  };
  struct Target {
    Outcome outcome;
    Function* function = nullptr;
    std::uint32_t version = 0;
    bool is_alias = false;
  };

  // The qualifier of a PC operation: $LATEST is refused; a missing version or alias (or
  // function) gives the not-found message for that kind of qualifier (§1.4).
  Target ResolveProvisioned(const std::string& name, const std::string& q,
                            const std::string& latest_message, Rule latest_rule) {
    Target t;
    if (q == "$LATEST") {
      t.outcome = Error(ErrorCode::kInvalidParameter, latest_message, latest_rule);
      return t;
    }
    Function* f = Mutable(name);
    if (IsNumber(q)) {
      std::optional<std::uint32_t> v = f ? PublishedVersion(*f, q) : std::nullopt;
      if (!v) {
        t.outcome = VersionNotFound(name, q);
        return t;
      }
      t.function = f;
      t.version = *v;
      return t;
    }
    if (f == nullptr || !f->aliases.count(q)) {
      t.outcome = AliasNotFound(name, q);
      return t;
    }
    t.function = f;
    t.version = f->aliases.at(q);
    t.is_alias = true;
    return t;
  }

  // What an alias may point at: a published version or $LATEST (0).
  static std::optional<std::uint32_t> AliasTarget(const Function& f, std::string_view q) {
    if (q == "$LATEST") return 0;
    return PublishedVersion(f, q);
  }
  static std::optional<std::uint32_t> PublishedVersion(const Function& f, std::string_view q) {
    if (!IsNumber(q) || q.size() > 9) return std::nullopt;
    const std::uint32_t v = ToVersion(q);
    if (v == 0 || !f.versions.count(v)) return std::nullopt;
    return v;
  }
  static std::uint32_t ToVersion(std::string_view q) {
    std::uint32_t v = 0;
    for (char ch : q) v = v * 10 + static_cast<std::uint32_t>(ch - '0');
    return v;
  }

  Admission Throttle(ThrottleReason reason, Decider decider) const {
    Admission a;
    a.throttle = reason;
    a.decider = decider;
    return a;
  }
  std::uint64_t NewGrant(GrantRecord record) {
    grants_[++last_grant_] = record;
    return last_grant_;
  }
  static std::int32_t BusyOf(const std::map<std::uint64_t, std::int32_t>& m, std::uint64_t key) {
    auto it = m.find(key);
    return it == m.end() ? 0 : it->second;
  }
  static void Decrement(std::map<std::uint64_t, std::int32_t>& m, std::uint64_t key) {
    if (--m.at(key) == 0) m.erase(key);
  }

  Function* Mutable(std::string_view name) {
    auto it = functions_.find(std::string(name));
    return it == functions_.end() ? nullptr : &it->second;
  }
  const Function* ByIncarnation(std::uint64_t incarnation) const {
    for (const auto& [n, f] : functions_) {
      if (f.incarnation == incarnation) return &f;
    }
    return nullptr;
  }
  Function* MutableByIncarnation(std::uint64_t incarnation) {
    return const_cast<Function*>(ByIncarnation(incarnation));
  }

  std::string Arn(std::string_view name, std::optional<std::string_view> q = std::nullopt) const {
    std::string arn = "arn:aws:lambda:" + s_.region + ":" + s_.account_id + ":function:";
    arn += name;
    if (q) {
      arn += ':';
      arn += *q;
    }
    return arn;
  }
  static Outcome Error(ErrorCode code, std::string message, Rule rule) {
    Outcome o;
    o.code = code;
    o.message = std::move(message);
    o.rule = rule;
    return o;
  }
  // Not found, where the spec does not give the message for this operation.
  Outcome LooseNotFound(const std::string& name) const {
    Outcome o =
        Error(ErrorCode::kNotFound, "Function not found: " + Arn(name), Rule::kFunctionNotFound);
    o.exact_message = false;
    return o;
  }
  Outcome VersionNotFound(const std::string& name, const std::string& v) const {
    return Error(ErrorCode::kNotFound, "Function not found: " + Arn(name, v),
                 Rule::kVersionNotFound);
  }
  Outcome AliasNotFound(const std::string& name, const std::string& alias) const {
    return Error(ErrorCode::kNotFound, "Cannot find alias arn: " + Arn(name, alias),
                 Rule::kAliasNotFound);
  }

  const Settings s_;
  std::int64_t limit_;
  Bucket account_rate_;
  std::map<std::string, Function> functions_;
  std::map<std::uint64_t, std::int32_t> on_demand_busy_;    // by incarnation, incl. deleted
  std::map<std::uint64_t, std::int32_t> provisioned_busy_;  // by allocation, incl. retired
  std::map<std::uint64_t, GrantRecord> grants_;
  std::uint64_t last_incarnation_ = 0;
  std::uint64_t last_allocation_ = 0;
  std::uint64_t last_grant_ = 0;
};

}  // namespace hr::engine::reference
