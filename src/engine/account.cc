#include "engine/account.h"

#include <algorithm>
#include <utility>

#include "engine/qualifier.h"

namespace hr::engine {
namespace {

using core::ConfigChange;
using core::EventKind;
using core::kNoSlot;
using core::ProvisionedStatus;

std::string Bracketed(std::int64_t n) {
  std::string out(1, '[');
  out += std::to_string(n);
  out += ']';
  return out;
}

}  // namespace

Account::Account(std::uint32_t index, std::string account_id, std::string region,
                 const core::Tunables& tunables, std::unique_ptr<core::ConcurrencyLedger> ledger,
                 core::EventSink* sink, Timestamp now)
    : index_(index),
      account_id_(std::move(account_id)),
      region_(std::move(region)),
      tunables_(tunables),
      ledger_(std::move(ledger)),
      local_ledger_(dynamic_cast<core::LocalLedger*>(ledger_.get())),
      sink_(sink) {
  pool_.limit = tunables_.account_concurrency_limit;
  pool_.unreserved_minimum = tunables_.UnreservedMinimumFor(pool_.limit);
  const std::int64_t rps = pool_.limit * tunables_.request_rate_per_concurrency;
  pool_.request_rate = core::TokenBucket(rps, rps, now);
}

// ---- Lookup and messages ----------------------------------------------------------------

StatusOr<FunctionRef> Account::ParseName(std::string_view input, FunctionNameShape shape,
                                         std::optional<std::string_view> qualifier_param) const {
  HR_ASSIGN_OR_RETURN(FunctionRef ref, ParseFunctionRef(input, shape));
  HR_RETURN_IF_ERROR(CheckFunctionRefScope(ref, account_id_, region_, qualifier_param));
  return ref;
}

Account::Function* Account::Find(std::string_view name) {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &functions_[it->second];
}

const Account::Function* Account::Find(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &functions_[it->second];
}

Status Account::NotFound(std::string_view name, std::optional<std::string_view> qualifier) const {
  return Status(ErrorCode::kNotFound, "Function not found: " + Arn(name, qualifier));
}

StatusOr<Account::Function*> Account::FindUnqualified(std::string_view input) {
  HR_ASSIGN_OR_RETURN(FunctionRef ref, ParseName(input, FunctionNameShape::kFunctionName, std::nullopt));
  if (ref.qualifier) return QualifiedNotAllowed();
  Function* fn = Find(ref.name);
  if (!fn) return NotFound(ref.name, std::nullopt);
  return fn;
}

StatusOr<const Account::Function*> Account::FindUnqualified(std::string_view input) const {
  HR_ASSIGN_OR_RETURN(Function * fn, const_cast<Account*>(this)->FindUnqualified(input));
  return static_cast<const Function*>(fn);
}

StatusOr<std::pair<Account::Function*, Account::QualifierTarget>> Account::ResolveProvisionedTarget(
    std::string_view input, std::string_view qualifier, std::string_view latest_message) {
  HR_ASSIGN_OR_RETURN(FunctionRef ref, ParseName(input, FunctionNameShape::kFunctionName, qualifier));
  const std::string& q = *ref.qualifier;
  if (q == kLatest) return Status(ErrorCode::kInvalidParameter, std::string(latest_message));
  Function* fn = Find(ref.name);
  QualifierTarget target;
  if (auto number = VersionNumber(q)) {
    if (!fn || *number == 0 || *number >= fn->versions.size() || !fn->versions[*number].live) {
      return NotFound(ref.name, q);
    }
    target.version = *number;
  } else {
    Status missing(ErrorCode::kNotFound, "Cannot find alias arn: " + Arn(ref.name, q));
    if (!fn) return missing;
    auto it = fn->aliases.find(q);
    if (it == fn->aliases.end()) return missing;
    target.version = it->second.version;
    target.alias = &it->second;
  }
  return std::make_pair(fn, target);
}

StatusOr<Account::SettingsTarget> Account::ResolveSettingsTarget(
    std::string_view input, std::optional<std::string_view> qualifier) const {
  HR_ASSIGN_OR_RETURN(FunctionRef ref, ParseName(input, FunctionNameShape::kNamespacedFunctionName, qualifier));
  SettingsTarget t;
  t.name = ref.name;
  t.qualifier = ref.qualifier;
  const Function* fn = Find(ref.name);
  t.fn = const_cast<Function*>(fn);
  if (!ref.qualifier) {
    t.exists = fn != nullptr;
    return t;
  }
  const std::string& q = *ref.qualifier;
  t.key = q;
  if (q == kLatest) {
    t.exists = fn != nullptr;
  } else if (auto number = VersionNumber(q)) {
    t.key = std::to_string(*number);
    t.version = *number;
    t.exists = fn && *number != 0 && *number < fn->versions.size() && fn->versions[*number].live;
  } else if (IsAliasName(q)) {
    t.alias = true;
    if (fn) {
      auto it = fn->aliases.find(q);
      t.exists = it != fn->aliases.end();
      if (t.exists) t.version = it->second.version;
    }
  }
  return t;
}

std::string& Account::RevisionOf(Function& fn, const std::string& key) {
  if (key.empty() || key == kLatest) return fn.versions[0].config.revision_id;
  if (auto number = VersionNumber(key)) return fn.versions[*number].config.revision_id;
  return fn.aliases.at(key).revision_id;
}

std::string Account::FunctionNameOf(std::uint32_t slot) const {
  return slot < functions_.size() ? functions_[slot].name : std::string();
}

void Account::Emit(EventKind kind, ConfigChange change, std::uint32_t function, std::uint32_t version,
                   std::uint32_t provisioned, Timestamp now, core::EnvironmentId environment,
                   bool provisioned_environment) {
  if (!sink_) return;
  core::ModelEvent e;
  e.kind = kind;
  e.change = change;
  e.at = now;
  e.account = index_;
  e.function = function;
  e.version = version;
  e.provisioned = provisioned;
  e.environment = environment;
  e.provisioned_environment = provisioned_environment;
  sink_->OnEvent(e);
}

// ---- Slots and accounting ----------------------------------------------------------------

std::uint32_t Account::NewFunctionSlot() {
  std::uint32_t slot;
  if (!free_function_slots_.empty()) {
    slot = free_function_slots_.back();
    free_function_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(functions_.size());
    functions_.emplace_back();
  }
  ledger_->EnsureSlots(static_cast<std::uint32_t>(functions_.size()),
                       static_cast<std::uint32_t>(provisioned_.size()));
  return slot;
}

std::uint32_t Account::NewProvisionedSlot() {
  std::uint32_t slot;
  if (!free_provisioned_slots_.empty()) {
    slot = free_provisioned_slots_.back();
    free_provisioned_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(provisioned_.size());
    provisioned_.emplace_back();
  }
  ledger_->EnsureSlots(static_cast<std::uint32_t>(functions_.size()),
                       static_cast<std::uint32_t>(provisioned_.size()));
  return slot;
}

void Account::SetFunctionAllocation(Function& fn, std::int32_t reserved,
                                    std::int32_t provisioned_total) {
  const bool had_reserved = fn.pool.has_reserved();
  pool_.allocated -= fn.pool.Allocation();
  fn.pool.reserved = reserved;
  fn.pool.provisioned_total = provisioned_total;
  pool_.allocated += fn.pool.Allocation();
  if (had_reserved != fn.pool.has_reserved()) {
    ledger_->MoveOnDemand(fn.pool.slot, /*to_unreserved=*/had_reserved);
  }
}

void Account::MaybeFreeFunctionSlot(std::uint32_t slot) {
  Function& fn = functions_[slot];
  if (fn.live || ledger_->OnDemandBusy(slot) != 0) return;
  // Nothing in flight refers to this slot any more; a reuse starts from a clean pool.
  fn.versions.clear();
  fn.aliases.clear();
  fn.provisioned.clear();
  fn.event_invoke.clear();
  fn.policies.clear();
  fn.pool = core::FunctionPool{};
  free_function_slots_.push_back(slot);
}

void Account::ReclaimVersionEnvironments(const Function& fn, Version& v, std::uint32_t number,
                                         Timestamp now) {
  v.environments.ReclaimAll([&](core::EnvironmentId id) {
    Emit(EventKind::kEnvironmentReclaimed, ConfigChange::kNone, fn.pool.slot, number, kNoSlot, now, id);
  });
}

// ---- Functions, versions and aliases ----------------------------------------------------

StatusOr<FunctionHandle> Account::CreateFunction(std::string_view input, Timestamp now,
                                                FunctionConfig config) {
  HR_ASSIGN_OR_RETURN(FunctionRef ref, ParseName(input, FunctionNameShape::kFunctionName, std::nullopt));
  if (ref.qualifier) return QualifiedNotAllowed();
  if (Find(ref.name)) {
    return Status(ErrorCode::kConflict, "Function already exist: " + ref.name);
  }
  const std::uint32_t slot = NewFunctionSlot();
  Function& fn = functions_[slot];
  fn.name = ref.name;
  fn.live = true;
  ++fn.generation;
  fn.pool = core::FunctionPool{};
  fn.pool.slot = slot;
  fn.pool.scaling = core::TokenBucket(tunables_.scaling_bucket_capacity,
                                      tunables_.scaling_refill_per_second, now);
  fn.versions.assign(1, Version{});
  fn.versions[0].config = std::move(config);
  fn.versions[0].config.last_modified = now;
  fn.created_at = now;
  by_name_.emplace(fn.name, slot);
  Emit(EventKind::kConfigChanged, ConfigChange::kFunctionCreated, slot, 0, kNoSlot, now);
  return FunctionHandle{slot, fn.generation};
}

Status Account::DeleteFunction(std::string_view input, std::optional<std::string_view> qualifier,
                               Timestamp now) {
  HR_ASSIGN_OR_RETURN(FunctionRef ref, ParseName(input, FunctionNameShape::kNamespacedFunctionName, qualifier));
  Function* fn = Find(ref.name);
  if (!fn) return NotFound(ref.name, std::nullopt);
  const std::uint32_t slot = fn->pool.slot;

  if (ref.qualifier) {
    const std::string& q = *ref.qualifier;
    if (q == kLatest) {
      return Status(ErrorCode::kInvalidParameter,
                    "$LATEST version cannot be deleted without deleting the function.");
    }
    auto number = VersionNumber(q);
    if (!number) {
      return Status(ErrorCode::kInvalidParameter, "Deletion of aliases is not currently supported.");
    }
    if (*number == 0 || *number >= fn->versions.size() || !fn->versions[*number].live) {
      return Status::Ok();  // AWS answers 204 for an absent version
    }
    std::string users;
    for (const auto& [name, alias] : fn->aliases) {
      if (alias.version != *number) continue;
      if (!users.empty()) users += ", ";
      users += name;
    }
    if (!users.empty()) {
      return Status(ErrorCode::kConflict,
                    "Unable to delete version because the following aliases reference it: [" +
                        users + "]");
    }
    if (auto it = fn->provisioned.find(q); it != fn->provisioned.end()) {
      RemoveProvisionedConfig(*fn, it->second, now);
    }
    ForgetQualifier(*fn, std::to_string(*number));
    Version& v = fn->versions[*number];
    ReclaimVersionEnvironments(*fn, v, *number, now);
    v.live = false;
    Emit(EventKind::kConfigChanged, ConfigChange::kVersionDeleted, slot, *number, kNoSlot, now);
    return Status::Ok();
  }

  while (!fn->provisioned.empty()) RemoveProvisionedConfig(*fn, fn->provisioned.begin()->second, now);
  // The function no longer claims concurrency; executions still running move into the
  // unreserved pool (its reservation is gone) until they finish.
  SetFunctionAllocation(*fn, core::FunctionPool::kNoReservation, 0);
  for (std::uint32_t n = 0; n < fn->versions.size(); ++n) {
    ReclaimVersionEnvironments(*fn, fn->versions[n], n, now);
    fn->versions[n].live = false;
  }
  by_name_.erase(fn->name);
  fn->live = false;
  Emit(EventKind::kConfigChanged, ConfigChange::kFunctionDeleted, slot, 0, kNoSlot, now);
  MaybeFreeFunctionSlot(slot);
  return Status::Ok();
}

void Account::ObsoleteLatestEnvironments(Function& fn, Timestamp now) {
  Version& latest = fn.versions[0];
  ++latest.code_generation;
  ReclaimVersionEnvironments(fn, latest, 0, now);
  Emit(EventKind::kConfigChanged, ConfigChange::kFunctionCodeChanged, fn.pool.slot, 0, kNoSlot, now);
}

Status Account::UpdateFunctionCode(std::string_view input, Timestamp now) {
  HR_ASSIGN_OR_RETURN(Function * fn, FindUnqualified(input));
  ObsoleteLatestEnvironments(*fn, now);
  return Status::Ok();
}

Status Account::UpdateFunctionCode(std::string_view input, const FunctionCodeUpdate& code,
                                   Timestamp now) {
  HR_ASSIGN_OR_RETURN(Function * fn, FindUnqualified(input));
  FunctionConfig& config = fn->versions[0].config;
  config.code_sha256 = code.code_sha256;
  config.code_size = code.code_size;
  config.code_key = code.code_key;
  config.revision_id = code.revision_id;
  config.last_modified = now;
  ObsoleteLatestEnvironments(*fn, now);
  return Status::Ok();
}

Status Account::UpdateFunctionConfiguration(std::string_view input, const FunctionConfig& config,
                                            Timestamp now) {
  HR_ASSIGN_OR_RETURN(Function * fn, FindUnqualified(input));
  FunctionConfig& latest = fn->versions[0].config;
  FunctionConfig next = config;
  next.code_sha256 = std::move(latest.code_sha256);
  next.code_size = latest.code_size;
  next.code_key = std::move(latest.code_key);
  next.package_type = std::move(latest.package_type);
  next.last_modified = now;
  latest = std::move(next);
  ObsoleteLatestEnvironments(*fn, now);
  return Status::Ok();
}

namespace {

// True when `latest` has the code and configuration `published` was taken from (its
// description then being `source_description`). Ignores what changes on every publish or
// does not change what runs: revision_id, last_modified, code_key.
bool SamePublishedContent(const FunctionConfig& latest, const FunctionConfig& published,
                          const std::string& source_description) {
  FunctionConfig a = latest;
  FunctionConfig b = published;
  b.description = source_description;
  a.revision_id.clear();
  b.revision_id.clear();
  a.last_modified = b.last_modified = Timestamp();
  a.code_key.clear();
  b.code_key.clear();
  return a == b;
}

}  // namespace

StatusOr<std::uint32_t> Account::PublishVersion(std::string_view input, Timestamp now,
                                                const PublishVersionOptions& options) {
  HR_ASSIGN_OR_RETURN(Function * fn, FindUnqualified(input));
  if (!options.expected_revision_id.empty() &&
      options.expected_revision_id != fn->versions[0].config.revision_id) {
    return RevisionMismatch();
  }
  const std::string& sha = fn->versions[0].config.code_sha256;
  if (!options.expected_code_sha256.empty() && options.expected_code_sha256 != sha) {
    return Status(ErrorCode::kInvalidParameter,
                  "CodeSHA256 (" + options.expected_code_sha256 +
                      ") is different from current CodeSHA256 in $LATEST (" + sha +
                      "). Please try again with the CodeSHA256 in $LATEST.");
  }
  if (options.only_if_changed) {
    for (auto n = static_cast<std::uint32_t>(fn->versions.size()) - 1; n > 0; --n) {
      const Version& v = fn->versions[n];
      if (!v.live) continue;
      if (SamePublishedContent(fn->versions[0].config, v.config, v.source_description)) return n;
      break;  // only the newest live version counts
    }
  }
  const auto number = static_cast<std::uint32_t>(fn->versions.size());
  fn->versions.emplace_back();
  FunctionConfig& latest = fn->versions[0].config;  // after emplace_back: no reallocation below
  Version& v = fn->versions[number];
  v.config = latest;
  v.source_description = latest.description;
  if (options.description) v.config.description = *options.description;
  if (!options.revision_id.empty()) v.config.revision_id = options.revision_id;
  v.config.last_modified = now;
  if (!options.latest_revision_id.empty()) latest.revision_id = options.latest_revision_id;
  Emit(EventKind::kConfigChanged, ConfigChange::kVersionPublished, fn->pool.slot, number, kNoSlot, now);
  return number;
}

StatusOr<FunctionView> Account::GetFunction(std::string_view input) const {
  HR_ASSIGN_OR_RETURN(const Function* fn, FindUnqualified(input));
  FunctionView view;
  view.name = fn->name;
  if (fn->pool.has_reserved()) view.reserved = fn->pool.reserved;
  view.provisioned_total = fn->pool.provisioned_total;
  view.on_demand_busy = ledger_->OnDemandBusy(fn->pool.slot);
  for (std::uint32_t n = 1; n < fn->versions.size(); ++n) {
    if (fn->versions[n].live) view.versions.push_back(n);
  }
  for (const auto& [name, alias] : fn->aliases) view.aliases.emplace(name, alias.version);
  return view;
}

FunctionConfigView Account::ConfigViewOf(const Function& fn, std::uint32_t number,
                                         std::optional<std::string_view> arn_qualifier) const {
  FunctionConfigView view;
  view.function_name = fn.name;
  view.version_number = number;
  view.version = number == 0 ? std::string(kLatest) : std::to_string(number);
  view.unqualified_arn = Arn(fn.name);
  view.qualified_arn = Arn(fn.name, view.version);
  view.function_arn = arn_qualifier ? Arn(fn.name, *arn_qualifier) : view.unqualified_arn;
  view.config = fn.versions[number].config;
  view.created_at = fn.created_at;
  return view;
}

StatusOr<FunctionConfigView> Account::GetFunctionConfiguration(
    std::string_view input, std::optional<std::string_view> qualifier) const {
  HR_ASSIGN_OR_RETURN(const InvokeTarget target, ResolveInvokeTarget(input, qualifier));
  // Resolution succeeded, so the name parses; parse again for the effective qualifier
  // (from `name:qualifier`, an ARN, or the parameter).
  HR_ASSIGN_OR_RETURN(FunctionRef ref, ParseName(input, FunctionNameShape::kNamespacedFunctionName, qualifier));
  const Function& fn = functions_[target.function.slot];
  // FunctionArn carries the qualifier as requested; a numeric one prints canonically ("007"
  // resolves to, and prints as, version 7).
  std::optional<std::string> arn_qualifier;
  std::optional<std::string> alias;
  if (ref.qualifier) {
    const std::string& q = *ref.qualifier;
    if (q == kLatest) {
      arn_qualifier = std::string(kLatest);
    } else if (VersionNumber(q)) {
      arn_qualifier = std::to_string(target.version);
    } else {
      arn_qualifier = q;
      alias = q;
    }
  }
  FunctionConfigView view = ConfigViewOf(fn, target.version, arn_qualifier);
  view.alias = std::move(alias);
  return view;
}

StatusOr<std::vector<FunctionConfigView>> Account::ListVersions(std::string_view input) const {
  HR_ASSIGN_OR_RETURN(const Function* fn, FindUnqualified(input));
  std::vector<FunctionConfigView> out;
  for (std::uint32_t n = 0; n < fn->versions.size(); ++n) {
    if (!fn->versions[n].live) continue;
    out.push_back(ConfigViewOf(*fn, n, std::nullopt));
    out.back().function_arn = out.back().qualified_arn;
  }
  return out;
}

std::vector<FunctionConfigView> Account::ListFunctions(bool all_versions) const {
  std::vector<const Function*> fns;
  fns.reserve(by_name_.size());
  for (const auto& [name, slot] : by_name_) fns.push_back(&functions_[slot]);
  std::sort(fns.begin(), fns.end(),
            [](const Function* a, const Function* b) { return a->name < b->name; });
  std::vector<FunctionConfigView> out;
  for (const Function* fn : fns) {
    if (!all_versions) {
      out.push_back(ConfigViewOf(*fn, 0, std::nullopt));
      continue;
    }
    for (std::uint32_t n = 0; n < fn->versions.size(); ++n) {
      if (!fn->versions[n].live) continue;
      out.push_back(ConfigViewOf(*fn, n, std::nullopt));
      out.back().function_arn = out.back().qualified_arn;
    }
  }
  return out;
}

// ---- Reserved concurrency ----------------------------------------------------------------

StatusOr<std::int32_t> Account::PutFunctionConcurrency(std::string_view input, std::int64_t reserved,
                                                       Timestamp now) {
  HR_ASSIGN_OR_RETURN(FunctionRef ref, ParseName(input, FunctionNameShape::kFunctionName, std::nullopt));
  if (reserved < 0) {
    return Status(ErrorCode::kValidation,
                  OneValidationError(std::to_string(reserved), "reservedConcurrentExecutions",
                                     "Member must have value greater than or equal to 0"));
  }
  if (ref.qualifier) return QualifiedNotAllowed();
  Function* fn = Find(ref.name);
  if (!fn) return NotFound(ref.name, kLatest);
  // The function's own current share is given back before the minimum is checked. Zero
  // always fits: it only ever returns concurrency to the pool.
  const std::int64_t allocated_after = pool_.allocated - fn->pool.Allocation() + reserved;
  if (reserved > 0 && pool_.limit - allocated_after < pool_.unreserved_minimum) {
    return Status(ErrorCode::kConcurrencyLimit,
                  "Specified ReservedConcurrentExecutions for function decreases account's "
                  "UnreservedConcurrentExecution below its minimum value of " +
                      Bracketed(pool_.unreserved_minimum) + ".");
  }
  if (reserved < fn->pool.provisioned_total) {
    return Status(ErrorCode::kConcurrencyLimit,
                  " ReservedConcurrentExecutions  " + std::to_string(reserved) +
                      " should not be lower than function's total provisioned concurrency " +
                      Bracketed(fn->pool.provisioned_total) + ".");
  }
  SetFunctionAllocation(*fn, static_cast<std::int32_t>(reserved), fn->pool.provisioned_total);
  Emit(EventKind::kConfigChanged, ConfigChange::kReservedConcurrency, fn->pool.slot, 0, kNoSlot, now);
  return static_cast<std::int32_t>(reserved);
}

StatusOr<std::optional<std::int32_t>> Account::GetFunctionConcurrency(std::string_view input) const {
  HR_ASSIGN_OR_RETURN(const Function* fn, FindUnqualified(input));
  if (!fn->pool.has_reserved()) return std::optional<std::int32_t>();
  return std::optional<std::int32_t>(fn->pool.reserved);
}

Status Account::DeleteFunctionConcurrency(std::string_view input, Timestamp now) {
  HR_ASSIGN_OR_RETURN(Function * fn, FindUnqualified(input));
  if (!fn->pool.has_reserved()) return Status::Ok();
  SetFunctionAllocation(*fn, core::FunctionPool::kNoReservation, fn->pool.provisioned_total);
  Emit(EventKind::kConfigChanged, ConfigChange::kReservedConcurrency, fn->pool.slot, 0, kNoSlot, now);
  return Status::Ok();
}

// ---- Provisioned concurrency -------------------------------------------------------------

std::uint32_t Account::StartProvisioning(Function& fn, std::string_view qualifier,
                                         std::uint32_t version, std::int32_t requested,
                                         Timestamp now) {
  const std::uint32_t slot = NewProvisionedSlot();
  ProvisionedConfig& pc = provisioned_[slot];
  pc.live = true;
  ++pc.generation;
  pc.function = fn.pool.slot;
  pc.version = version;
  pc.qualifier = std::string(qualifier);
  pc.status_reason.clear();
  pc.last_modified = now;
  pc.pool = core::ProvisionedPool{};
  pc.pool.slot = slot;
  pc.pool.status = ProvisionedStatus::kInProgress;
  pc.pool.requested = requested;
  pc.pool.environments.reserve(static_cast<std::size_t>(requested));
  for (std::int32_t i = 0; i < requested; ++i) {
    const core::EnvironmentId id = pool_.next_environment++;
    pc.pool.environments.push_back(id);
    Emit(EventKind::kEnvironmentCreated, ConfigChange::kNone, fn.pool.slot, version, slot, now, id,
         /*provisioned_environment=*/true);
  }
  fn.provisioned[pc.qualifier] = slot;
  fn.versions[version].provisioned = slot;
  Emit(EventKind::kConfigChanged, ConfigChange::kProvisioningStarted, fn.pool.slot, version, slot, now);
  return slot;
}

void Account::RetireProvisioned(std::uint32_t slot, Timestamp now) {
  ProvisionedConfig& pc = provisioned_[slot];
  // Busy environments are reclaimed as they finish (Release sees the config is gone).
  for (core::EnvironmentId id : pc.pool.idle) {
    Emit(EventKind::kEnvironmentReclaimed, ConfigChange::kNone, pc.function, pc.version, slot, now, id,
         /*provisioned_environment=*/true);
  }
  if (pc.pool.status == ProvisionedStatus::kInProgress) {
    for (core::EnvironmentId id : pc.pool.environments) {
      Emit(EventKind::kEnvironmentReclaimed, ConfigChange::kNone, pc.function, pc.version, slot, now,
           id, /*provisioned_environment=*/true);
    }
  }
  pc.pool.idle.clear();
  pc.pool.environments.clear();
  pc.live = false;
  if (ledger_->ProvisionedBusy(slot) == 0) free_provisioned_slots_.push_back(slot);
}

void Account::RemoveProvisionedConfig(Function& fn, std::uint32_t slot, Timestamp now) {
  ProvisionedConfig& pc = provisioned_[slot];
  const std::int32_t requested = pc.pool.requested;
  const std::uint32_t version = pc.version;
  fn.provisioned.erase(pc.qualifier);
  if (auto it = fn.aliases.find(pc.qualifier); it != fn.aliases.end() && it->second.provisioned == slot) {
    it->second.provisioned = kNoSlot;
  }
  if (fn.versions[version].provisioned == slot) fn.versions[version].provisioned = kNoSlot;
  RetireProvisioned(slot, now);
  SetFunctionAllocation(fn, fn.pool.reserved, fn.pool.provisioned_total - requested);
  Emit(EventKind::kConfigChanged, ConfigChange::kProvisionedConcurrency, fn.pool.slot, version, slot, now);
}

StatusOr<ProvisionedConfigView> Account::PutProvisionedConcurrencyConfig(std::string_view input,
                                                                         std::string_view qualifier,
                                                                         std::int64_t requested,
                                                                         Timestamp now) {
  if (requested < 1) {
    return Status(ErrorCode::kValidation,
                  OneValidationError(std::to_string(requested), "provisionedConcurrentExecutions",
                                     "Member must have value greater than or equal to 1"));
  }
  HR_ASSIGN_OR_RETURN(
      auto resolved,
      ResolveProvisionedTarget(input, qualifier,
                               "Provisioned Concurrency Configs cannot be applied to unpublished "
                               "function versions."));
  auto [fn, target] = resolved;
  if (target.version == 0) {  // an alias pointing at $LATEST
    return Status(ErrorCode::kInvalidParameter,
                  "Provisioned Concurrency Configs cannot be applied to unpublished function "
                  "versions.");
  }
  const std::string q(qualifier);
  auto existing = fn->provisioned.find(q);
  const std::uint32_t old_slot = existing == fn->provisioned.end() ? kNoSlot : existing->second;
  const std::int64_t old = old_slot == kNoSlot ? 0 : provisioned_[old_slot].pool.requested;

  if (fn->pool.has_reserved()) {
    if (fn->pool.provisioned_total - old + requested > fn->pool.reserved) {
      return Status(ErrorCode::kInvalidParameter,
                    "Requested Provisioned Concurrency should not be greater than the "
                    "reservedConcurrentExecution for function");
    }
  } else {
    const std::int64_t available = pool_.UnreservedConcurrency() + old;
    if (requested > available) {
      return Status(ErrorCode::kConcurrencyLimit,
                    "Specified ConcurrentExecutions for function is greater than account's "
                    "unreserved concurrency " + Bracketed(available) + ".");
    }
    if (available - requested < pool_.unreserved_minimum) {
      return Status(ErrorCode::kConcurrencyLimit,
                    "Specified ConcurrentExecutions for function decreases account's "
                    "UnreservedConcurrentExecution below its minimum value of " +
                        Bracketed(pool_.unreserved_minimum) + ".");
    }
  }
  const std::uint32_t serving = fn->versions[target.version].provisioned;
  if (serving != kNoSlot && serving != old_slot) {
    if (target.alias) {
      return Status(ErrorCode::kConflict,
                    "Alias can't be used for Provisioned Concurrency configuration on an already "
                    "Provisioned version");
    }
    return Status(ErrorCode::kConflict, "Version is pointed by a Provisioned Concurrency alias");
  }

  if (old_slot != kNoSlot) RetireProvisioned(old_slot, now);
  const std::uint32_t slot =
      StartProvisioning(*fn, q, target.version, static_cast<std::int32_t>(requested), now);
  if (target.alias) target.alias->provisioned = slot;
  SetFunctionAllocation(*fn, fn->pool.reserved,
                        static_cast<std::int32_t>(fn->pool.provisioned_total - old + requested));
  return ViewOf(provisioned_[slot]);
}

StatusOr<ProvisionedConfigView> Account::GetProvisionedConcurrencyConfig(
    std::string_view input, std::string_view qualifier) const {
  HR_ASSIGN_OR_RETURN(
      auto resolved,
      const_cast<Account*>(this)->ResolveProvisionedTarget(
          input, qualifier, "The function resource provided must be an alias or a published version."));
  const Function* fn = resolved.first;
  auto it = fn->provisioned.find(std::string(qualifier));
  if (it == fn->provisioned.end()) {
    return Status(ErrorCode::kProvisionedConfigNotFound,
                  "No Provisioned Concurrency Config found for this function");
  }
  return ViewOf(provisioned_[it->second]);
}

Status Account::DeleteProvisionedConcurrencyConfig(std::string_view input, std::string_view qualifier,
                                                   Timestamp now) {
  HR_ASSIGN_OR_RETURN(
      auto resolved,
      ResolveProvisionedTarget(input, qualifier,
                               "The function resource provided must be an alias or a published "
                               "version."));
  Function* fn = resolved.first;
  auto it = fn->provisioned.find(std::string(qualifier));
  if (it != fn->provisioned.end()) RemoveProvisionedConfig(*fn, it->second, now);
  return Status::Ok();
}

StatusOr<std::vector<ProvisionedConfigView>> Account::ListProvisionedConcurrencyConfigs(
    std::string_view input) const {
  HR_ASSIGN_OR_RETURN(const Function* fn, FindUnqualified(input));
  std::vector<ProvisionedConfigView> out;
  out.reserve(fn->provisioned.size());
  for (const auto& [q, slot] : fn->provisioned) out.push_back(ViewOf(provisioned_[slot]));
  return out;
}

Status Account::CompleteProvisioning(const ProvisioningTicket& ticket, bool success,
                                     std::string_view failure_reason, Timestamp now) {
  if (ticket.slot >= provisioned_.size() || !provisioned_[ticket.slot].live ||
      provisioned_[ticket.slot].generation != ticket.generation ||
      provisioned_[ticket.slot].pool.status != ProvisionedStatus::kInProgress) {
    return Status(ErrorCode::kNotFound, "No Provisioned Concurrency Config found for this function");
  }
  ProvisionedConfig& pc = provisioned_[ticket.slot];
  pc.last_modified = now;
  if (success) {
    pc.pool.status = ProvisionedStatus::kReady;
    pc.pool.allocated = pc.pool.requested;
    pc.pool.idle = pc.pool.environments;
    const std::int64_t rps = std::int64_t{pc.pool.allocated} * tunables_.request_rate_per_concurrency;
    pc.pool.request_rate = core::TokenBucket(rps, rps, now);
  } else {
    pc.pool.status = ProvisionedStatus::kFailed;
    pc.status_reason = std::string(failure_reason);
    for (core::EnvironmentId id : pc.pool.environments) {
      Emit(EventKind::kEnvironmentReclaimed, ConfigChange::kNone, pc.function, pc.version, ticket.slot,
           now, id, /*provisioned_environment=*/true);
    }
    pc.pool.environments.clear();
  }
  Emit(EventKind::kConfigChanged, ConfigChange::kProvisionedConcurrency, pc.function, pc.version,
       ticket.slot, now);
  return Status::Ok();
}

ProvisionedConfigView Account::ViewOf(const ProvisionedConfig& pc) const {
  ProvisionedConfigView v;
  v.function_arn = Arn(functions_[pc.function].name, pc.qualifier);
  v.qualifier = pc.qualifier;
  v.requested = pc.pool.requested;
  v.allocated = pc.pool.allocated;
  v.available = pc.pool.allocated;
  v.status = pc.pool.status;
  v.status_reason = pc.status_reason;
  v.last_modified = pc.last_modified;
  v.ticket = ProvisioningTicket{pc.pool.slot, pc.generation};
  if (pc.pool.status == ProvisionedStatus::kInProgress) v.environments = pc.pool.environments;
  v.version = pc.version;
  return v;
}

// ---- The account -------------------------------------------------------------------------

PoolView Account::Pool() const {
  PoolView v;
  v.limit = pool_.limit;
  v.unreserved_minimum = pool_.unreserved_minimum;
  v.allocated = pool_.allocated;
  v.unreserved = pool_.UnreservedConcurrency();
  v.unreserved_busy = UnreservedBusy();
  v.claimed = v.unreserved_busy + v.allocated;
  v.function_count = static_cast<std::int64_t>(by_name_.size());
  return v;
}

std::int64_t Account::TotalCodeSize() const {
  std::int64_t total = 0;
  for (const auto& [name, slot] : by_name_) {
    for (const Version& v : functions_[slot].versions) {
      if (v.live) total += v.config.code_size;
    }
  }
  return total;
}

void Account::SetConcurrencyLimit(std::int64_t limit, Timestamp now) {
  pool_.limit = limit;
  pool_.unreserved_minimum = tunables_.UnreservedMinimumFor(limit);
  const std::int64_t rps = limit * tunables_.request_rate_per_concurrency;
  pool_.request_rate.Reconfigure(rps, rps, now);
  Emit(EventKind::kConfigChanged, ConfigChange::kAccountLimit, kNoSlot, 0, kNoSlot, now);
}

// ---- Data plane ---------------------------------------------------------------------------

StatusOr<InvokeTarget> Account::ResolveInvokeTarget(std::string_view input,
                                                    std::optional<std::string_view> qualifier) const {
  HR_ASSIGN_OR_RETURN(FunctionRef ref, ParseName(input, FunctionNameShape::kNamespacedFunctionName, qualifier));
  const Function* fn = Find(ref.name);
  if (!fn) return NotFound(ref.name, ref.qualifier ? std::optional<std::string_view>(*ref.qualifier) : std::nullopt);
  InvokeTarget target{FunctionHandle{fn->pool.slot, fn->generation}, 0};
  if (!ref.qualifier || *ref.qualifier == kLatest) return target;
  const std::string& q = *ref.qualifier;
  if (auto number = VersionNumber(q)) {
    if (*number == 0 || *number >= fn->versions.size() || !fn->versions[*number].live) {
      return NotFound(ref.name, q);
    }
    target.version = *number;
    return target;
  }
  auto it = fn->aliases.find(q);
  if (it == fn->aliases.end()) return NotFound(ref.name, q);
  target.version = it->second.version;
  return target;
}

bool Account::IsLive(const InvokeTarget& t) const {
  if (t.function.slot >= functions_.size()) return false;
  const Function& fn = functions_[t.function.slot];
  return fn.live && fn.generation == t.function.generation && t.version < fn.versions.size() &&
         fn.versions[t.version].live;
}

const FunctionConfig& Account::ConfigOf(const InvokeTarget& t) const {
  return functions_[t.function.slot].versions[t.version].config;
}

std::optional<Account::ProvisionedUsage> Account::ProvisionedFor(const InvokeTarget& t) const {
  const std::uint32_t slot = functions_[t.function.slot].versions[t.version].provisioned;
  if (slot == core::kNoSlot || !provisioned_[slot].live) return std::nullopt;
  return ProvisionedUsage{provisioned_[slot].qualifier, provisioned_[slot].pool.allocated};
}

bool Account::HasReservedConcurrency(const InvokeTarget& t) const {
  return functions_[t.function.slot].pool.has_reserved();
}

void Account::ReclaimIdleEnvironments(Timestamp now) {
  for (Function& fn : functions_) {
    if (!fn.live) continue;
    for (std::uint32_t n = 0; n < fn.versions.size(); ++n) {
      fn.versions[n].environments.ReclaimExpired(now, tunables_.keep_alive, [&](core::EnvironmentId id) {
        Emit(EventKind::kEnvironmentReclaimed, ConfigChange::kNone, fn.pool.slot, n, kNoSlot, now, id);
      });
    }
  }
}

}  // namespace hr::engine
