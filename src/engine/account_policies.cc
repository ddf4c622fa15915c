// Account: resource-based policies — AddPermission, GetPolicy and RemovePermission per
// qualifier, with AWS's recorded messages (localstack-snapshots/test_lambda_api.snapshot.json,
// TestLambdaPermissions). A statement changes its qualifier's RevisionId.

#include <algorithm>
#include <utility>

#include "engine/account.h"
#include "engine/qualifier.h"

namespace hr::engine {
namespace {

Status ResourceDoesNotExist() {
  return Status(ErrorCode::kNotFound, "The resource you requested does not exist.");
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "*", a 12-digit account, an ARN, or an AWS service principal ("events.amazonaws.com",
// "alexa-appkit.amazon.com"); "invalid.nonaws.com" is refused (AWS-recorded).
bool ValidPrincipal(std::string_view p) {
  if (p == "*" || (p.size() == 12 && AllDigits(p)) || p.substr(0, 4) == "arn:") return true;
  const bool service_chars = std::all_of(p.begin(), p.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
  return service_chars && (EndsWith(p, ".amazonaws.com") || EndsWith(p, ".amazon.com") ||
                           EndsWith(p, ".amazonaws.com.cn"));
}

constexpr std::string_view kPolicyApi = "GetPolicy";

}  // namespace

StatusOr<PolicyStatement> Account::AddPermission(std::string_view input,
                                                 std::optional<std::string_view> qualifier,
                                                 PolicyStatement statement,
                                                 const PolicyChange& change, Timestamp /*now*/) {
  HR_ASSIGN_OR_RETURN(SettingsTarget t, ResolveSettingsTarget(input, qualifier));
  if (t.qualifier == std::optional<std::string>(kLatest)) {
    return Status(ErrorCode::kInvalidParameter, "We currently do not support adding policies for $LATEST.");
  }
  if (!t.exists) {
    if (t.fn && t.alias) return Status(ErrorCode::kNotFound, "Cannot find alias arn: " + Arn(t.name, *t.qualifier));
    return NotFound(t.name, t.qualifier);
  }
  if (!ValidPrincipal(statement.principal)) {
    return Status(ErrorCode::kInvalidParameter,
                  "The provided principal was invalid. Please check the principal and try again.");
  }
  auto existing = t.fn->policies.find(t.key);
  const std::string& revision =
      existing != t.fn->policies.end() ? existing->second.revision_id : RevisionOf(*t.fn, t.key);
  if (!change.expected_revision_id.empty() && change.expected_revision_id != revision) {
    return RevisionMismatch(kPolicyApi);
  }
  if (existing != t.fn->policies.end()) {
    for (const PolicyStatement& s : existing->second.statements) {
    if (s.sid == statement.sid) {
        return Status(ErrorCode::kConflict, "The statement id (" + statement.sid +
                                                ") provided already exists. Please provide a new "
                                                "statement id, or remove the existing statement.");
      }
    }
  }
  statement.resource = t.key.empty() ? Arn(t.name) : Arn(t.name, t.key);
  Policy& policy = t.fn->policies[t.key];
  policy.statements.push_back(statement);
  policy.revision_id = change.revision_id;
  return statement;
}

StatusOr<PolicyView> Account::GetPolicy(std::string_view input,
                                        std::optional<std::string_view> qualifier) const {
  HR_ASSIGN_OR_RETURN(SettingsTarget t, ResolveSettingsTarget(input, qualifier));
  if (!t.exists) return ResourceDoesNotExist();
  const std::string key = t.key == kLatest ? std::string() : t.key;
  auto it = t.fn->policies.find(key);
  if (it == t.fn->policies.end()) return ResourceDoesNotExist();
  return PolicyView{it->second.statements, it->second.revision_id};
}

Status Account::RemovePermission(std::string_view input, std::optional<std::string_view> qualifier,
                                 std::string_view sid, const PolicyChange& change,
                                 Timestamp /*now*/) {
  HR_ASSIGN_OR_RETURN(SettingsTarget t, ResolveSettingsTarget(input, qualifier));
  if (!t.fn) return Status(ErrorCode::kNotFound, "No policy found for: " + Arn(t.name));
  if (!t.exists) {
    if (t.alias) return Status(ErrorCode::kNotFound, "Cannot find alias arn: " + Arn(t.name, *t.qualifier));
    return NotFound(t.name, t.qualifier);
  }
  const std::string key = t.key == kLatest ? std::string() : t.key;
  auto it = t.fn->policies.find(key);
  if (it == t.fn->policies.end()) {
    return Status(ErrorCode::kNotFound, "No policy is associated with the given resource.");
  }
  if (!change.expected_revision_id.empty() && change.expected_revision_id != it->second.revision_id) {
    return RevisionMismatch(kPolicyApi);
  }
  auto& policy = it->second.statements;
  auto statement = std::find_if(policy.begin(), policy.end(),
                                [&](const PolicyStatement& s) { return s.sid == sid; });
  if (statement == policy.end()) {
    return Status(ErrorCode::kNotFound,
                  "Statement " + std::string(sid) + " is not found in resource policy.");
  }
  policy.erase(statement);
  if (policy.empty()) {
    t.fn->policies.erase(it);
  } else {
    it->second.revision_id = change.revision_id;
  }
  return Status::Ok();
}

}  // namespace hr::engine
