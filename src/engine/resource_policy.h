#pragma once
// A function's resource-based policy: the statements AddPermission grants on one qualifier
// (the unqualified function, a version or an alias), as GetPolicy returns them (spec §1.2).
// CloudWatch alarm actions and other callers are checked against it.
//
// The engine stores each statement's parameters and the resource it covers; the server
// renders the IAM JSON AWS prints ("Principal", "Condition" …).
//
// Pure values: no I/O. Any thread (no sharing).

#include <string>
#include <vector>

namespace hr::engine {

struct PolicyStatement {
  std::string sid;
  std::string action;     // "lambda:InvokeFunction", "lambda:*" …
  std::string principal;  // as given: "*", a 12-digit account, an ARN or a service principal
  std::string source_arn;
  std::string source_account;
  std::string event_source_token;
  std::string principal_org_id;
  std::string function_url_auth_type;
  std::string resource;  // the function ARN the statement is on (set by the engine)
};

struct PolicyView {
  std::vector<PolicyStatement> statements;  // in the order they were added
  std::string revision_id;                  // the policy's RevisionId
};

// The RevisionId precondition of an AddPermission or RemovePermission, and the policy's
// new RevisionId. A policy has a RevisionId of its own; before the first statement the
// precondition is checked against the function's, version's or alias's RevisionId.
struct PolicyChange {
  std::string expected_revision_id;  // non-empty: must equal the current one
  std::string revision_id;           // the policy's new RevisionId
};

}  // namespace hr::engine
