#pragma once
// Account: one AWS account in one Region — its functions, versions and aliases, their
// reserved and provisioned concurrency, and the concurrency pool they share.
//
// This is where every rule of Lambda's concurrency system is written, once, with AWS's
// exact messages (spec §1.3, §1.4, §2): name and ARN forms, the unreserved minimum, RC
// against total PC, PC against the account's unreserved concurrency, PC on $LATEST, the
// alias/version conflicts in both directions, and the not-found messages per operation.
// Admission and release delegate to core/admission.h; the busy counters live in a
// ConcurrencyLedger.
//
// Commands take `now` and do no I/O. Function-name inputs are what the client sent (a name,
// `name:qualifier`, a partial or a full ARN); the account parses and scopes them. Events go
// to the EventSink given at construction (may be null).
//
// Not thread-safe: the caller serialises all calls on one Account (the server uses a
// strand or mutex per account; the simulator and tests are single-threaded).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/function_ref.h"
#include "base/status.h"
#include "base/time.h"
#include "core/admission.h"
#include "core/events.h"
#include "core/ledger.h"
#include "core/local_ledger.h"
#include "core/on_demand_environments.h"
#include "core/pools.h"
#include "core/tunables.h"
#include "engine/alias_config.h"
#include "engine/event_invoke_config.h"
#include "engine/function_config.h"
#include "engine/resource_policy.h"
#include "engine/string_map.h"

namespace hr::engine {

// A function resolved once, for the hot path. Stale handles (the function was deleted)
// are detected by generation.
struct FunctionHandle {
  std::uint32_t slot = core::kNoSlot;
  std::uint32_t generation = 0;
};

// What Invoke runs: a function and the version its qualifier resolves to.
struct InvokeTarget {
  FunctionHandle function;
  std::uint32_t version = 0;  // 0 = $LATEST
};

// Names a provisioned config's current allocation, so that the driver that initialises its
// environments can report back (CompleteProvisioning). Stale once the config is put again,
// moved or deleted.
struct ProvisioningTicket {
  std::uint32_t slot = core::kNoSlot;
  std::uint32_t generation = 0;
};

struct ProvisionedConfigView {
  std::string function_arn;  // qualified with the config's qualifier
  std::string qualifier;
  std::int32_t requested = 0;
  std::int32_t allocated = 0;
  std::int32_t available = 0;
  core::ProvisionedStatus status = core::ProvisionedStatus::kInProgress;
  std::string status_reason;  // set when FAILED
  Timestamp last_modified;
  ProvisioningTicket ticket;
  std::vector<core::EnvironmentId> environments;  // to initialise, while IN_PROGRESS
  std::uint32_t version = 0;                      // the version it serves
};

// The pool at a glance (spec §3.4).
struct PoolView {
  std::int64_t limit = 0;                // AccountLimit.ConcurrentExecutions
  std::int64_t unreserved_minimum = 0;
  std::int64_t allocated = 0;            // Σ RC + Σ PC of functions without RC
  std::int64_t unreserved = 0;           // AccountLimit.UnreservedConcurrentExecutions
  std::int64_t unreserved_busy = 0;      // UnreservedConcurrentExecutions (metric)
  std::int64_t claimed = 0;              // ClaimedAccountConcurrency
  std::int64_t function_count = 0;
};

struct FunctionView {
  std::string name;
  std::optional<std::int32_t> reserved;
  std::int32_t provisioned_total = 0;
  std::int32_t on_demand_busy = 0;
  std::vector<std::uint32_t> versions;  // published, ascending
  std::map<std::string, std::uint32_t> aliases;
};

// One version's configuration as GetFunctionConfiguration, ListVersionsByFunction and
// ListFunctions report it, with the identity fields AWS derives at response time.
//
// ARNs, as recorded from AWS (localstack-snapshots/test_lambda_api.snapshot.json):
//   - unqualified request (CreateFunction, UpdateFunction*, GetFunction without qualifier,
//     ListFunctions without FunctionVersion=ALL): FunctionArn is unqualified, Version
//     "$LATEST" (`get_function_result`, `first_update_response`);
//   - explicit Qualifier=$LATEST: ":$LATEST" (`get_function_latest_result`);
//   - a version: ":7", Version "7" (`first_publish_get_function_config`);
//   - an alias: ":<alias>", Version = the alias's version (`get_function_alias_1_1`);
//   - ListVersionsByFunction and ListFunctions with FunctionVersion=ALL: always qualified,
//     $LATEST included as ":$LATEST" (`list_versions_result`, `test_list_functions`).
// `function_arn` applies these rules for the call that produced the view.
struct FunctionConfigView {
  std::string function_name;
  std::string version;              // "$LATEST" or "7"
  std::uint32_t version_number = 0;  // 0 = $LATEST
  std::optional<std::string> alias;  // when resolved through an alias
  std::string function_arn;         // FunctionArn as AWS prints it for this call (above)
  std::string unqualified_arn;      // arn:aws:lambda:<region>:<account>:function:<name>
  std::string qualified_arn;        // unqualified_arn + ":" + version
  FunctionConfig config;
  Timestamp created_at;  // when the function was created (State Pending -> Active)
};

class Account {
 public:
  Account(std::uint32_t index, std::string account_id, std::string region,
          const core::Tunables& tunables, std::unique_ptr<core::ConcurrencyLedger> ledger,
          core::EventSink* sink, Timestamp now);

  const std::string& account_id() const { return account_id_; }
  const std::string& region() const { return region_; }
  std::uint32_t index() const { return index_; }

  // ---- Functions, versions and aliases ----------------------------------------------
  // Creates the function with `config` as $LATEST's configuration (last_modified := now).
  // Errors: kValidation / kInvalidParameter (name), kConflict "Function already exist: <name>".
  StatusOr<FunctionHandle> CreateFunction(std::string_view function_name, Timestamp now,
                                          FunctionConfig config = {});
  // Without a qualifier, deletes the function with its versions, aliases and configs. With
  // one, deletes that published version only (an absent version is not an error).
  // Errors: kNotFound, kInvalidParameter ($LATEST, an alias), kConflict (aliases use it).
  Status DeleteFunction(std::string_view function_name, std::optional<std::string_view> qualifier,
                        Timestamp now);
  // New code for $LATEST: its warm environments are not reused. This form leaves $LATEST's
  // configuration as it is (the model's and simulator's form, where code has no identity).
  // Errors: kNotFound, kInvalidParameter (qualified name).
  Status UpdateFunctionCode(std::string_view function_name, Timestamp now);
  // As above, and replaces $LATEST's code_sha256, code_size, code_key and revision_id with
  // `code`'s (last_modified := now). Every other field is kept.
  Status UpdateFunctionCode(std::string_view function_name, const FunctionCodeUpdate& code,
                            Timestamp now);
  // Replaces $LATEST's configuration with `config`, except the code fields (code_sha256,
  // code_size, code_key) and package_type, which stay as they are: only
  // UpdateFunctionCode changes code. revision_id is taken from `config`; last_modified :=
  // now. $LATEST's warm environments are not reused (new settings need new environments,
  // as in AWS); this emits kFunctionCodeChanged, the event for "$LATEST's environments
  // are obsolete". Published versions are untouched.
  // Errors: kNotFound, kInvalidParameter (qualified name).
  Status UpdateFunctionConfiguration(std::string_view function_name, const FunctionConfig& config,
                                     Timestamp now);
  // Publishes $LATEST as a new version: a snapshot of its configuration (last_modified :=
  // now; description and revision_id as `options` say). Returns the new version's number,
  // or with options.only_if_changed the newest live version's when nothing changed since
  // it was published (compared: $LATEST's configuration against the one the version was
  // taken from, ignoring revision_id, last_modified and code_key; nothing else changes
  // then). Version numbers are never reused, even after a delete.
  // Errors: kNotFound, kInvalidParameter (qualified name).
  StatusOr<std::uint32_t> PublishVersion(std::string_view function_name, Timestamp now,
                                         const PublishVersionOptions& options = {});
  StatusOr<FunctionView> GetFunction(std::string_view function_name) const;
  // The configuration `function_name` (NamespacedFunctionName form) with `qualifier` (the
  // Qualifier parameter: version, alias or $LATEST; absent = $LATEST) names. Resolution
  // and not-found messages are ResolveInvokeTarget's: "Function not found: <arn>", the ARN
  // qualified with the qualifier when one was given.
  // Errors: kValidation / kInvalidParameter / kAccessDenied (name), kNotFound.
  StatusOr<FunctionConfigView> GetFunctionConfiguration(
      std::string_view function_name, std::optional<std::string_view> qualifier) const;
  // ListVersionsByFunction: $LATEST first, then the live published versions ascending; all
  // with qualified FunctionArns. Errors: as GetFunction (unqualified FunctionName form).
  StatusOr<std::vector<FunctionConfigView>> ListVersions(std::string_view function_name) const;
  // ListFunctions: every function by name (byte order), as $LATEST with an unqualified
  // FunctionArn; with `all_versions` (FunctionVersion=ALL), each function's ListVersions
  // in turn. A stable order, for Marker/MaxItems paging.
  std::vector<FunctionConfigView> ListFunctions(bool all_versions) const;

  // ---- Aliases (account_aliases.cc) ---------------------------------------------------
  // `change.function_version` is required. Errors: kNotFound (function, version, routed
  // version), kConflict "Alias already exists: <arn>", kInvalidParameter (routing).
  StatusOr<AliasView> CreateAlias(std::string_view function_name, std::string_view alias,
                                  const AliasChange& change, Timestamp now);
  Status CreateAlias(std::string_view function_name, std::string_view alias,
                     std::string_view version, Timestamp now);
  // Changes what `change` sets. Moving the alias moves a provisioned config on it too
  // (deallocated from the old version, allocated again on the new one: IN_PROGRESS until
  // CompleteProvisioning). Errors: kNotFound "Alias not found: <arn>", kPreconditionFailed
  // (RevisionId), and CreateAlias's.
  StatusOr<AliasView> UpdateAlias(std::string_view function_name, std::string_view alias,
                                  const AliasChange& change, Timestamp now);
  Status UpdateAlias(std::string_view function_name, std::string_view alias,
                     std::string_view version, Timestamp now);
  // Deleting an alias deletes its provisioned config, event-invoke config and policy. An
  // absent alias is not an error.
  Status DeleteAlias(std::string_view function_name, std::string_view alias, Timestamp now);
  // Errors: kNotFound "Cannot find alias arn: <arn>".
  StatusOr<AliasView> GetAlias(std::string_view function_name, std::string_view alias) const;
  // By name; with `function_version`, only the aliases pointing at it.
  StatusOr<std::vector<AliasView>> ListAliases(std::string_view function_name,
                                               std::optional<std::string_view> function_version) const;

  // ---- Asynchronous invocation settings (account_event_invoke.cc) -----------------------
  // `function_name` is a NamespacedFunctionName, `qualifier` the Qualifier parameter
  // ($LATEST when neither names one). Destinations are checked as AWS checks them (a Lambda
  // destination must exist and not be the function itself; SQS, SNS, EventBridge, S3 and
  // Lambda ARNs only). Errors: kNotFound "The function doesn't exist.", kInvalidParameter.
  StatusOr<EventInvokeConfigView> PutFunctionEventInvokeConfig(
      std::string_view function_name, std::optional<std::string_view> qualifier,
      const EventInvokeChange& change, Timestamp now);
  // As Put, but keeps the fields `change` leaves out; the config must exist.
  StatusOr<EventInvokeConfigView> UpdateFunctionEventInvokeConfig(
      std::string_view function_name, std::optional<std::string_view> qualifier,
      const EventInvokeChange& change, Timestamp now);
  // Errors: kNotFound "The function <arn> doesn't have an EventInvokeConfig" (also when the
  // function or qualifier does not exist).
  StatusOr<EventInvokeConfigView> GetFunctionEventInvokeConfig(
      std::string_view function_name, std::optional<std::string_view> qualifier) const;
  Status DeleteFunctionEventInvokeConfig(std::string_view function_name,
                                         std::optional<std::string_view> qualifier, Timestamp now);
  // $LATEST, then versions ascending, then aliases by name.
  StatusOr<std::vector<EventInvokeConfigView>> ListFunctionEventInvokeConfigs(
      std::string_view function_name) const;

  // ---- Resource-based policy (account_policies.cc) -------------------------------------
  // Adds `statement` (its `resource` is set here) to the policy of the qualifier named by
  // `function_name` and `qualifier` (none: the unqualified function). Errors: kNotFound,
  // kInvalidParameter ($LATEST, principal), kConflict (duplicate Sid), kPreconditionFailed.
  StatusOr<PolicyStatement> AddPermission(std::string_view function_name,
                                          std::optional<std::string_view> qualifier,
                                          PolicyStatement statement, const PolicyChange& change,
                                          Timestamp now);
  // Errors: kNotFound "The resource you requested does not exist." (also for no statements).
  StatusOr<PolicyView> GetPolicy(std::string_view function_name,
                                 std::optional<std::string_view> qualifier) const;
  Status RemovePermission(std::string_view function_name, std::optional<std::string_view> qualifier,
                          std::string_view sid, const PolicyChange& change, Timestamp now);

  // ---- Reserved concurrency -----------------------------------------------------------
  StatusOr<std::int32_t> PutFunctionConcurrency(std::string_view function_name,
                                                std::int64_t reserved, Timestamp now);
  // nullopt when the function has no reserved concurrency.
  StatusOr<std::optional<std::int32_t>> GetFunctionConcurrency(std::string_view function_name) const;
  Status DeleteFunctionConcurrency(std::string_view function_name, Timestamp now);

  // ---- Provisioned concurrency --------------------------------------------------------
  // Puts (or replaces) the config: IN_PROGRESS, with its environments created; the driver
  // initialises them and calls CompleteProvisioning.
  StatusOr<ProvisionedConfigView> PutProvisionedConcurrencyConfig(std::string_view function_name,
                                                                  std::string_view qualifier,
                                                                  std::int64_t requested,
                                                                  Timestamp now);
  StatusOr<ProvisionedConfigView> GetProvisionedConcurrencyConfig(
      std::string_view function_name, std::string_view qualifier) const;
  // Deleting a config that does not exist (on an existing version or alias) succeeds.
  Status DeleteProvisionedConcurrencyConfig(std::string_view function_name,
                                            std::string_view qualifier, Timestamp now);
  // In qualifier order.
  StatusOr<std::vector<ProvisionedConfigView>> ListProvisionedConcurrencyConfigs(
      std::string_view function_name) const;
  // The driver's report on a config's environments: READY (Allocated = Available =
  // Requested) or FAILED with `failure_reason` (e.g. FUNCTION_ERROR_INIT_FAILURE).
  // Errors: kNotFound when the ticket is stale (the config changed meanwhile).
  Status CompleteProvisioning(const ProvisioningTicket& ticket, bool success,
                              std::string_view failure_reason, Timestamp now);

  // ---- The account --------------------------------------------------------------------
  PoolView Pool() const;
  // Pool().unreserved_busy alone, inline: for a caller that watches it on every admission.
  std::int64_t UnreservedBusy() const {
    return local_ledger_ ? local_ledger_->UnreservedBusy() : ledger_->UnreservedBusy();
  }
  // AccountUsage.TotalCodeSize: the code size of every live version of every function
  // ($LATEST included; a published version counts its own copy, as AWS counts it).
  std::int64_t TotalCodeSize() const;
  // A new applied value of L-B99A9384 (e.g. an approved quota increase).
  void SetConcurrencyLimit(std::int64_t limit, Timestamp now);

  // ---- Data plane ---------------------------------------------------------------------
  // Resolves an Invoke target: `function_name` in NamespacedFunctionName form plus the
  // Qualifier parameter (version, alias or $LATEST).
  StatusOr<InvokeTarget> ResolveInvokeTarget(std::string_view function_name,
                                             std::optional<std::string_view> qualifier) const;
  // True when `target` still names a live function and version.
  bool IsLive(const InvokeTarget& target) const;
  // The configuration of the version `target` runs. REQUIRES: IsLive(target).
  const FunctionConfig& ConfigOf(const InvokeTarget& target) const;
  // The provisioned config serving `target`'s version (its qualifier and Allocated), for
  // the ProvisionedConcurrency* metrics; nullopt when none does.
  struct ProvisionedUsage {
    std::string_view qualifier;
    std::int32_t allocated = 0;
  };
  std::optional<ProvisionedUsage> ProvisionedFor(const InvokeTarget& target) const;
  // Whether the function has reserved concurrency (its executions are not unreserved).
  bool HasReservedConcurrency(const InvokeTarget& target) const;
  // `synchronous`: RequestResponse; false for an event taken from the async queue.
  // REQUIRES: IsLive(target) (resolve and admit under the same serialisation).
  core::AdmissionDecision Admit(const InvokeTarget& target, bool synchronous, Timestamp now);
  // REQUIRES: `grant` came from Admit on this account and is released exactly once.
  // `reuse_environment` false retires an on-demand environment instead of keeping it warm
  // (a timeout, a crash, a failed init).
  void Release(const core::Grant& grant, Timestamp now, bool reuse_environment = true);
  // Reclaims idle on-demand environments past the keep-alive.
  void ReclaimIdleEnvironments(Timestamp now);

  // Read-only access for tests and telemetry.
  const core::ConcurrencyLedger& ledger() const { return *ledger_; }
  std::string FunctionNameOf(std::uint32_t slot) const;

 private:
  struct Version {
    bool live = true;
    std::uint32_t code_generation = 0;
    core::OnDemandEnvironments environments;
    std::uint32_t provisioned = core::kNoSlot;  // the config serving this version
    FunctionConfig config;
    // Published versions: $LATEST's description when published (config.description may
    // be PublishVersion's Description instead), for PublishVersion's only_if_changed.
    std::string source_description;
  };
  struct Alias {
    std::uint32_t version = 0;
    std::uint32_t provisioned = core::kNoSlot;
    std::string description;
    std::string revision_id;
    std::optional<std::pair<std::uint32_t, double>> additional_version;  // weighted routing
  };
  struct Policy {
    std::vector<PolicyStatement> statements;
    std::string revision_id;  // the policy's own, renewed by every change
  };
  // The fields admission reads come first, so that one decision touches as few cache
  // lines as possible.
  struct Function {
    bool live = false;
    std::uint32_t generation = 0;
    core::FunctionPool pool;
    std::vector<Version> versions;            // index = version number; [0] = $LATEST
    std::string name;
    std::map<std::string, Alias> aliases;
    std::map<std::string, std::uint32_t> provisioned;  // qualifier -> config slot
    std::map<std::string, EventInvokeConfig> event_invoke;  // "$LATEST", "7" or an alias
    // Resource policies by qualifier: "" is the unqualified function's.
    std::map<std::string, Policy> policies;
    Timestamp created_at;
  };
  struct ProvisionedConfig {
    bool live = false;
    std::uint32_t generation = 0;
    core::ProvisionedPool pool;
    std::uint32_t function = core::kNoSlot;
    std::uint32_t version = 0;
    std::string qualifier;
    std::string status_reason;
    Timestamp last_modified;
  };
  // What a qualifier of a provisioned-concurrency operation names.
  struct QualifierTarget {
    std::uint32_t version = 0;
    Alias* alias = nullptr;  // null for a version
  };

  StatusOr<FunctionRef> ParseName(std::string_view input, FunctionNameShape shape,
                                  std::optional<std::string_view> qualifier_param) const;
  Function* Find(std::string_view name);
  const Function* Find(std::string_view name) const;
  // Finds the unqualified function named by `input`, or NotFound with the unqualified ARN.
  StatusOr<Function*> FindUnqualified(std::string_view input);
  StatusOr<const Function*> FindUnqualified(std::string_view input) const;
  // Resolves the qualifier of a provisioned-concurrency operation (spec §2): $LATEST is
  // rejected with `latest_message`; a missing version or alias (or function) gives AWS's
  // not-found message for that kind of qualifier.
  StatusOr<std::pair<Function*, QualifierTarget>> ResolveProvisionedTarget(
      std::string_view input, std::string_view qualifier, std::string_view latest_message);
  Status NotFound(std::string_view name, std::optional<std::string_view> qualifier) const;
  // The version an alias may point at: $LATEST (0) or a live published version.
  StatusOr<std::uint32_t> AliasTargetVersion(const Function& fn, std::string_view version) const;
  // Applies `weights` (AdditionalVersionWeights) to an alias pointing at `version`.
  Status ApplyRouting(const Function& fn, std::uint32_t version,
                      const std::map<std::string, double>& weights, Alias& alias) const;
  AliasView AliasViewOf(const Function& fn, const std::string& name, const Alias& alias) const;
  // Removes everything kept per qualifier `q` of `fn` except its provisioned config.
  void ForgetQualifier(Function& fn, const std::string& q);
  // What the name and qualifier of an event-invoke or policy operation name. Only a name
  // that does not parse is an error; a missing function or qualifier is reported in the
  // result, because each operation words that differently.
  struct SettingsTarget {
    Function* fn = nullptr;                // null: no such function
    std::string name;                      // the function's name
    std::optional<std::string> qualifier;  // the effective qualifier, as given
    std::uint32_t version = 0;             // what it resolves to, when `exists`
    bool exists = false;                   // the function and the qualifier exist
    bool alias = false;                    // the qualifier has an alias's form
    // The key of the per-qualifier maps: "" for none, "$LATEST", "7" or the alias.
    std::string key;
  };
  StatusOr<SettingsTarget> ResolveSettingsTarget(std::string_view input,
                                                 std::optional<std::string_view> qualifier) const;
  // The RevisionId of qualifier `key` of `fn` (a ResolveSettingsTarget key that exists).
  static std::string& RevisionOf(Function& fn, const std::string& key);

  std::uint32_t NewFunctionSlot();
  std::uint32_t NewProvisionedSlot();
  // Starts a fresh allocation of `requested` environments for `qualifier` of `fn`, serving
  // `version`. Returns the new config slot.
  std::uint32_t StartProvisioning(Function& fn, std::string_view qualifier, std::uint32_t version,
                                  std::int32_t requested, Timestamp now);
  // Takes the config out of service: reclaims its idle environments and frees the slot once
  // nothing runs on it. Does not touch accounting.
  void RetireProvisioned(std::uint32_t slot, Timestamp now);
  // Removes config `slot` of `fn` entirely, including its share of the accounting.
  void RemoveProvisionedConfig(Function& fn, std::uint32_t slot, Timestamp now);
  void SetFunctionAllocation(Function& fn, std::int32_t reserved, std::int32_t provisioned_total);
  void MaybeFreeFunctionSlot(std::uint32_t slot);
  void ReclaimVersionEnvironments(const Function& fn, Version& v, std::uint32_t number,
                                  Timestamp now);
  ProvisionedConfigView ViewOf(const ProvisionedConfig& pc) const;
  // The view of version `number` of `fn`, its FunctionArn qualified with `arn_qualifier`
  // (nullopt: unqualified).
  FunctionConfigView ConfigViewOf(const Function& fn, std::uint32_t number,
                                  std::optional<std::string_view> arn_qualifier) const;
  // Reclaims $LATEST's environments and bumps its code generation.
  void ObsoleteLatestEnvironments(Function& fn, Timestamp now);
  void Emit(core::EventKind kind, core::ConfigChange change, std::uint32_t function,
            std::uint32_t version, std::uint32_t provisioned, Timestamp now,
            core::EnvironmentId environment = 0, bool provisioned_environment = false);
  // Calls `f` with the ledger as its own type when it is a LocalLedger (so that admission
  // inlines its counters), else through the interface.
  template <typename F>
  decltype(auto) WithLedger(F&& f) {
    if (local_ledger_) return f(*local_ledger_);
    return f(*ledger_);
  }
  std::string Arn(std::string_view name, std::optional<std::string_view> qualifier = std::nullopt) const {
    return FunctionArn(region_, account_id_, name, qualifier);
  }

  const std::uint32_t index_;
  const std::string account_id_;
  const std::string region_;
  const core::Tunables& tunables_;
  std::unique_ptr<core::ConcurrencyLedger> ledger_;
  core::LocalLedger* const local_ledger_;  // ledger_ when it is the in-process one, else null
  core::EventSink* sink_;

  core::AccountPool pool_;
  std::vector<Function> functions_;  // by slot
  std::vector<std::uint32_t> free_function_slots_;
  StringMap<std::uint32_t> by_name_;  // live functions
  std::vector<ProvisionedConfig> provisioned_;  // by slot
  std::vector<std::uint32_t> free_provisioned_slots_;
};

// The invocation hot path (the server's Invoke and the simulator's every arrival), inline.

inline core::AdmissionDecision Account::Admit(const InvokeTarget& t, bool synchronous, Timestamp now) {
  Function& fn = functions_[t.function.slot];
  Version& v = fn.versions[t.version];
  ProvisionedConfig* pc = v.provisioned == core::kNoSlot ? nullptr : &provisioned_[v.provisioned];
  core::AdmissionTarget target{pool_,
                               fn.pool,
                               v.environments,
                               pc ? &pc->pool : nullptr,
                               index_,
                               fn.generation,
                               t.version,
                               v.code_generation,
                               pc ? pc->generation : 0};
  return WithLedger([&](auto& ledger) { return core::Admit(target, ledger, tunables_, synchronous, now, sink_); });
}

inline void Account::Release(const core::Grant& g, Timestamp now, bool reuse_environment) {
  Function& fn = functions_[g.function];
  const bool same_function = fn.live && fn.generation == g.function_generation;
  Version* v = reuse_environment && same_function && g.version < fn.versions.size() &&
                       fn.versions[g.version].live &&
                       fn.versions[g.version].code_generation == g.code_generation
                   ? &fn.versions[g.version]
                   : nullptr;
  core::ProvisionedPool* pc = nullptr;
  if (g.start == core::StartKind::kProvisioned) {
    ProvisionedConfig& config = provisioned_[g.provisioned];
    if (config.live && config.generation == g.provisioned_generation &&
        config.pool.status == core::ProvisionedStatus::kReady) {
      pc = &config.pool;
    }
  }
  core::ReleaseTarget target{fn.pool, v ? &v->environments : nullptr, pc, index_};
  WithLedger([&](auto& ledger) { core::Release(g, target, ledger, now, sink_); });
  if (g.start == core::StartKind::kProvisioned) {
    const ProvisionedConfig& config = provisioned_[g.provisioned];
    if (!config.live && ledger_->ProvisionedBusy(g.provisioned) == 0) {
      free_provisioned_slots_.push_back(g.provisioned);
    }
  } else if (!fn.live) {
    MaybeFreeFunctionSlot(g.function);
  }
}

}  // namespace hr::engine
