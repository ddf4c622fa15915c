// Account: aliases — create, update (moving its provisioned config), delete, get, list,
// with weighted routing and RevisionIds (spec §1.2; messages AWS-recorded in
// localstack-snapshots/test_lambda_api.snapshot.json, TestLambdaAlias).

#include <utility>

#include "engine/account.h"
#include "engine/qualifier.h"

namespace hr::engine {
using core::ConfigChange;
using core::EventKind;
using core::kNoSlot;

StatusOr<std::uint32_t> Account::AliasTargetVersion(const Function& fn,
                                                    std::string_view version) const {
  if (version == kLatest) return 0u;
  auto n = VersionNumber(version);
  if (!n || *n == 0 || *n >= fn.versions.size() || !fn.versions[*n].live) {
    return NotFound(fn.name, version);
  }
  return *n;
}

Status Account::ApplyRouting(const Function& fn, std::uint32_t version,
                             const std::map<std::string, double>& weights, Alias& alias) const {
  if (weights.size() > 1) {
    return Status(ErrorCode::kInvalidParameter,
                  "Number of items in AdditionalVersionWeights cannot be greater than 1");
  }
  if (weights.empty()) {
    alias.additional_version.reset();
    return Status::Ok();
  }
  const auto& [key, weight] = *weights.begin();
  HR_ASSIGN_OR_RETURN(const std::uint32_t extra, AliasTargetVersion(fn, key));
  if (extra == version) {
    const std::string v = std::to_string(version);
    return Status(ErrorCode::kInvalidParameter, "Invalid function version " + v +
                                                    ". Function version " + v +
                                                    " is already included in routing configuration.");
  }
  if (version == 0) {
    // AWS sends this one without "Type" (recorded: target_version_exc_version_latest).
    return Status(ErrorCode::kConcurrencyLimit,
                  "$LATEST is not supported for an alias pointing to more than 1 version");
  }
  alias.additional_version = std::make_pair(extra, weight);
  return Status::Ok();
}

AliasView Account::AliasViewOf(const Function& fn, const std::string& name,
                               const Alias& alias) const {
  AliasView view;
  view.name = name;
  view.alias_arn = Arn(fn.name, name);
  view.function_version = alias.version == 0 ? std::string(kLatest) : std::to_string(alias.version);
  view.description = alias.description;
  view.revision_id = alias.revision_id;
  view.additional_version = alias.additional_version;
  return view;
}

void Account::ForgetQualifier(Function& fn, const std::string& q) {
  fn.event_invoke.erase(q);
  fn.policies.erase(q);
}

StatusOr<AliasView> Account::CreateAlias(std::string_view input, std::string_view alias_name,
                                         const AliasChange& change, Timestamp now) {
  HR_ASSIGN_OR_RETURN(FunctionRef ref, ParseName(input, FunctionNameShape::kFunctionName, std::nullopt));
  if (ref.qualifier) return QualifiedNotAllowed();
  const std::string version = change.function_version.value_or(std::string(kLatest));
  Function* fn = Find(ref.name);
  // A missing function is reported with the version asked for (AWS-recorded,
  // routing_config_exc_fn_doesnotexist).
  if (!fn) return NotFound(ref.name, version);
  HR_ASSIGN_OR_RETURN(const std::uint32_t number, AliasTargetVersion(*fn, version));
  Alias alias{number, kNoSlot, change.description.value_or(""), change.revision_id, std::nullopt};
  if (change.additional_version_weights) {
    HR_RETURN_IF_ERROR(ApplyRouting(*fn, number, *change.additional_version_weights, alias));
  }
  const std::string key(alias_name);
  if (fn->aliases.count(key)) {
    return Status(ErrorCode::kConflict, "Alias already exists: " + Arn(fn->name, alias_name));
  }
  auto it = fn->aliases.emplace(key, std::move(alias)).first;
  Emit(EventKind::kConfigChanged, ConfigChange::kAliasChanged, fn->pool.slot, number, kNoSlot, now);
  return AliasViewOf(*fn, it->first, it->second);
}

Status Account::CreateAlias(std::string_view input, std::string_view alias,
                            std::string_view version, Timestamp now) {
  AliasChange change;
  change.function_version = std::string(version);
  return CreateAlias(input, alias, change, now).status();
}

StatusOr<AliasView> Account::UpdateAlias(std::string_view input, std::string_view alias_name,
                                         const AliasChange& change, Timestamp now) {
  HR_ASSIGN_OR_RETURN(Function * fn, FindUnqualified(input));
  auto it = fn->aliases.find(std::string(alias_name));
  if (it == fn->aliases.end()) {
    return Status(ErrorCode::kNotFound, "Alias not found: " + Arn(fn->name, alias_name));
  }
  Alias& alias = it->second;
  if (!change.expected_revision_id.empty() && change.expected_revision_id != alias.revision_id) {
    return RevisionMismatch();
  }
  std::uint32_t number = alias.version;
  if (change.function_version) {
    HR_ASSIGN_OR_RETURN(number, AliasTargetVersion(*fn, *change.function_version));
  }
  // Validate the routing against the new version before anything moves.
  Alias updated = alias;
  if (change.additional_version_weights) {
    HR_RETURN_IF_ERROR(ApplyRouting(*fn, number, *change.additional_version_weights, updated));
  } else if (updated.additional_version && number != alias.version) {
    std::map<std::string, double> kept{{std::to_string(updated.additional_version->first),
                                        updated.additional_version->second}};
    HR_RETURN_IF_ERROR(ApplyRouting(*fn, number, kept, updated));
  }
  if (number != alias.version && alias.provisioned != kNoSlot) {
    if (number == 0) {
      return Status(ErrorCode::kInvalidParameter,
                    "Provisioned Concurrency Configs cannot be applied to unpublished function "
                    "versions.");
    }
    if (fn->versions[number].provisioned != kNoSlot) {
      return Status(ErrorCode::kConflict,
                    "Alias can't be used for Provisioned Concurrency configuration on an already "
                    "Provisioned version");
    }
    // Deallocate from the old version, allocate again on the new one.
    const std::uint32_t old_slot = alias.provisioned;
    const std::int32_t requested = provisioned_[old_slot].pool.requested;
    fn->versions[alias.version].provisioned = kNoSlot;
    RetireProvisioned(old_slot, now);
    alias.provisioned = StartProvisioning(*fn, alias_name, number, requested, now);
  }
  const bool moved = number != alias.version;
  alias.version = number;
  alias.additional_version = updated.additional_version;
  if (change.description) alias.description = *change.description;
  if (!change.revision_id.empty()) alias.revision_id = change.revision_id;
  if (moved) {
    Emit(EventKind::kConfigChanged, ConfigChange::kAliasChanged, fn->pool.slot, number, kNoSlot, now);
  }
  return AliasViewOf(*fn, it->first, alias);
}

Status Account::UpdateAlias(std::string_view input, std::string_view alias,
                            std::string_view version, Timestamp now) {
  AliasChange change;
  change.function_version = std::string(version);
  return UpdateAlias(input, alias, change, now).status();
}

Status Account::DeleteAlias(std::string_view input, std::string_view alias_name, Timestamp now) {
  HR_ASSIGN_OR_RETURN(Function * fn, FindUnqualified(input));
  auto it = fn->aliases.find(std::string(alias_name));
  if (it == fn->aliases.end()) return Status::Ok();  // AWS: DeleteAlias is idempotent
  if (it->second.provisioned != kNoSlot) RemoveProvisionedConfig(*fn, it->second.provisioned, now);
  const std::uint32_t version = it->second.version;
  ForgetQualifier(*fn, it->first);
  fn->aliases.erase(it);
  Emit(EventKind::kConfigChanged, ConfigChange::kAliasChanged, fn->pool.slot, version, kNoSlot, now);
  return Status::Ok();
}

StatusOr<AliasView> Account::GetAlias(std::string_view input, std::string_view alias_name) const {
  HR_ASSIGN_OR_RETURN(const Function* fn, FindUnqualified(input));
  auto it = fn->aliases.find(std::string(alias_name));
  if (it == fn->aliases.end()) {
    return Status(ErrorCode::kNotFound, "Cannot find alias arn: " + Arn(fn->name, alias_name));
  }
  return AliasViewOf(*fn, it->first, it->second);
}

StatusOr<std::vector<AliasView>> Account::ListAliases(
    std::string_view input, std::optional<std::string_view> function_version) const {
  HR_ASSIGN_OR_RETURN(const Function* fn, FindUnqualified(input));
  std::vector<AliasView> out;
  for (const auto& [name, alias] : fn->aliases) {
    AliasView view = AliasViewOf(*fn, name, alias);
    if (function_version && view.function_version != *function_version) continue;
    out.push_back(std::move(view));
  }
  return out;
}

}  // namespace hr::engine
