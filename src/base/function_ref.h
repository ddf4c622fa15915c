#pragma once
// FunctionRef: a function reference as the Lambda API accepts it, parsed.
//
// Lambda accepts a function as a bare name (`my-function`), a name with a qualifier
// (`my-function:live`), a partial ARN (`123456789012:function:my-function`) or a full ARN
// (`arn:aws:lambda:us-east-1:123456789012:function:my-function:1`). Two model shapes
// govern what is allowed: FunctionName (control-plane operations: 140 characters, names of
// [a-zA-Z0-9-_]) and NamespacedFunctionName (Invoke, GetFunction, DeleteFunction,
// AddPermission, event-invoke configs: 256 characters, names may contain '.' and the
// qualifier may be $LATEST.PUBLISHED).
//
// ParseFunctionRef applies the shape's length and pattern constraints (ValidationException
// with AWS's exact text, pattern included) and the 64-character limit on bare names
// (InvalidParameterValueException, as AWS sends it). CheckFunctionRefScope then applies the
// checks that need the caller's identity: an ARN from another region (ResourceNotFound,
// "Functions from 'X' are not reachable in this region ('Y')"), another account
// (AccessDenied) and a qualifier that disagrees with the Qualifier parameter.
//
// Pure: no I/O. Any thread.

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace hr {

enum class FunctionNameShape { kFunctionName, kNamespacedFunctionName };

struct FunctionRef {
  std::string name;
  std::optional<std::string> qualifier;  // from `name:qualifier` or a qualified ARN
  std::optional<std::string> region;     // from an ARN or partial ARN
  std::optional<std::string> account;    // from an ARN or partial ARN
  bool is_bare_name = true;              // no ARN or partial-ARN prefix
};

// Maximum length of a bare function name (AWS: "If you specify only the function name, it
// is limited to 64 characters in length").
inline constexpr std::size_t kMaxBareFunctionNameLength = 64;

// Parses `input` under `shape`. Errors: kValidation (length/pattern, exact AWS text naming
// member 'functionName'), kInvalidParameter (bare name longer than 64).
StatusOr<FunctionRef> ParseFunctionRef(std::string_view input, FunctionNameShape shape);

// Checks `ref` against the endpoint's account and region and the request's Qualifier
// parameter (empty when absent). On success, ref.qualifier holds the effective qualifier
// (the derived one or the parameter), or nullopt for an unqualified reference.
// Errors: kNotFound (other region), kAccessDenied (other account), kInvalidParameter
// (derived qualifier differs from the parameter).
Status CheckFunctionRefScope(FunctionRef& ref, std::string_view account, std::string_view region,
                             std::optional<std::string_view> qualifier_param);

// "arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]"
std::string FunctionArn(std::string_view region, std::string_view account, std::string_view name,
                        std::optional<std::string_view> qualifier = std::nullopt);

// The model patterns, exactly as AWS prints them in ValidationException messages.
std::string_view FunctionNamePattern(FunctionNameShape shape);

// "1 validation error detected: Value '<value>' at '<member>' failed to satisfy constraint: <constraint>"
std::string OneValidationError(std::string_view value, std::string_view member,
                               std::string_view constraint);

}  // namespace hr
