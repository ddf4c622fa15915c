#include "base/function_ref.h"

#include <array>
#include <vector>

namespace hr {
namespace {

constexpr std::string_view kFunctionNamePattern =
    R"((arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?)";
// AWS prints (and applies) this looser form for the namespaced shape, not the stricter one of
// recent service models: the recorded ValidationException messages show it.
constexpr std::string_view kNamespacedFunctionNamePattern =
    R"((arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?)";

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return IsLower(c) || (c >= 'A' && c <= 'Z'); }
bool IsNameChar(char c, bool allow_dot) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '_' || (allow_dot && c == '.');
}

// (aws[a-zA-Z-]*)?
bool IsPartition(std::string_view t) {
  if (t.empty()) return true;
  if (t.substr(0, 3) != "aws") return false;
  for (char c : t.substr(3)) {
    if (!IsAlpha(c) && c != '-') return false;
  }
  return true;
}

// (eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}
bool IsRegion(std::string_view t) {
  if (t.substr(0, 5) == "eusc-") t.remove_prefix(5);
  if (t.size() < 2 || !IsLower(t[0]) || !IsLower(t[1])) return false;
  t.remove_prefix(2);
  // The optional (-gov|-iso[a-z]?) group, then -[a-z]+-\d. Try with and without the group.
  auto tail_ok = [](std::string_view s) {
    if (s.size() < 4 || s[0] != '-' || !IsDigit(s.back()) || s[s.size() - 2] != '-') return false;
    std::string_view mid = s.substr(1, s.size() - 3);
    if (mid.empty()) return false;
    for (char c : mid) {
      if (!IsLower(c)) return false;
    }
    return true;
  };
  if (tail_ok(t)) return true;
  if (t.substr(0, 4) == "-gov" && tail_ok(t.substr(4))) return true;
  if (t.substr(0, 4) == "-iso") {
    if (tail_ok(t.substr(4))) return true;
    if (t.size() > 4 && IsLower(t[4]) && tail_ok(t.substr(5))) return true;
  }
  return false;
}

bool IsAccount(std::string_view t) {
  if (t.size() != 12) return false;
  for (char c : t) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

bool IsName(std::string_view t, bool allow_dot) {
  if (t.empty()) return false;
  for (char c : t) {
    if (!IsNameChar(c, allow_dot)) return false;
  }
  return true;
}

bool IsQualifier(std::string_view t, bool namespaced) {
  if (t == "$LATEST" || (namespaced && t == "$LATEST.PUBLISHED")) return true;
  return IsName(t, /*allow_dot=*/false);
}

std::vector<std::string_view> SplitColons(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ':') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

// Matches the tokens against the shape's pattern the way a backtracking regex engine with
// greedy optionals would: every optional group is tried present first, left to right.
std::optional<FunctionRef> MatchPattern(const std::vector<std::string_view>& tok,
                                        FunctionNameShape shape) {
  const bool namespaced = shape == FunctionNameShape::kNamespacedFunctionName;
  // Optional groups, in pattern order: arn-prefix, region, account, "function", qualifier.
  for (int mask = 31; mask >= 0; --mask) {
    // Greedy order: iterate so that earlier groups are "present" first.
    int bits = 0;
    for (int b = 0; b < 5; ++b) {
      if (mask & (1 << (4 - b))) bits |= 1 << b;
    }
    const bool arn = bits & 1, region = bits & 2, account = bits & 4, fn = bits & 8,
               qual = bits & 16;
    std::size_t need = (arn ? 3 : 0) + region + account + fn + 1 + qual;
    if (need != tok.size()) continue;
    std::size_t i = 0;
    FunctionRef ref;
    if (arn) {
      if (tok[0] != "arn" || !IsPartition(tok[1]) || tok[2] != "lambda") continue;
      i = 3;
    }
    if (region) {
      if (!IsRegion(tok[i])) continue;
      ref.region = std::string(tok[i++]);
    }
    if (account) {
      if (!IsAccount(tok[i])) continue;
      ref.account = std::string(tok[i++]);
    }
    if (fn) {
      if (tok[i] != "function") continue;
      ++i;
    }
    if (!IsName(tok[i], namespaced)) continue;
    ref.name = std::string(tok[i++]);
    if (qual) {
      if (!IsQualifier(tok[i], namespaced)) continue;
      ref.qualifier = std::string(tok[i++]);
    }
    ref.is_bare_name = !arn && !region && !account && !fn;
    return ref;
  }
  return std::nullopt;
}

}  // namespace

std::string_view FunctionNamePattern(FunctionNameShape shape) {
  return shape == FunctionNameShape::kFunctionName ? kFunctionNamePattern
                                                   : kNamespacedFunctionNamePattern;
}

std::string OneValidationError(std::string_view value, std::string_view member,
                               std::string_view constraint) {
  std::string out = "1 validation error detected: Value '";
  out += value;
  out += "' at '";
  out += member;
  out += "' failed to satisfy constraint: ";
  out += constraint;
  return out;
}

StatusOr<FunctionRef> ParseFunctionRef(std::string_view input, FunctionNameShape shape) {
  // The common case, a valid bare name, needs no tokenising.
  const bool namespaced = shape == FunctionNameShape::kNamespacedFunctionName;
  if (input.size() <= kMaxBareFunctionNameLength && IsName(input, namespaced)) {
    FunctionRef ref;
    ref.name = std::string(input);
    return ref;
  }
  const std::size_t max_len = shape == FunctionNameShape::kFunctionName ? 140 : 256;
  std::vector<std::string> errors;
  auto error = [&](std::string constraint) {
    errors.push_back("Value '" + std::string(input) +
                     "' at 'functionName' failed to satisfy constraint: " + std::move(constraint));
  };
  if (input.empty()) error("Member must have length greater than or equal to 1");
  if (input.size() > max_len) {
    error("Member must have length less than or equal to " + std::to_string(max_len));
  }
  std::optional<FunctionRef> ref = MatchPattern(SplitColons(input), shape);
  if (!ref) {
    error("Member must satisfy regular expression pattern: " +
          std::string(FunctionNamePattern(shape)));
  }
  if (!errors.empty()) {
    std::string msg = std::to_string(errors.size()) +
                      (errors.size() == 1 ? " validation error detected: "
                                          : " validation errors detected: ");
    for (std::size_t i = 0; i < errors.size(); ++i) {
      if (i) msg += "; ";
      msg += errors[i];
    }
    return Status(ErrorCode::kValidation, std::move(msg));
  }
  // The 64-character rule applies to the FunctionName shape; a longer bare name in the
  // Namespaced shape (GetFunction, DeleteFunction …) simply names no function (AWS-recorded,
  // test_function_name_and_qualifier_validation[function_name_too_long-get_function]).
  if (!namespaced && ref->is_bare_name && ref->name.size() > kMaxBareFunctionNameLength) {
    return Status(ErrorCode::kInvalidParameter,
                  OneValidationError(ref->name, "functionName",
                                     "Member must have length less than or equal to 64"));
  }
  return std::move(*ref);
}

Status CheckFunctionRefScope(FunctionRef& ref, std::string_view account, std::string_view region,
                             std::optional<std::string_view> qualifier_param) {
  if (ref.region && *ref.region != region) {
    return Status(ErrorCode::kNotFound, "Functions from '" + *ref.region +
                                            "' are not reachable in this region ('" +
                                            std::string(region) + "')");
  }
  if (ref.account && *ref.account != account) {
    return Status(ErrorCode::kAccessDenied,
                  "User is not authorized to access a function of account " + *ref.account);
  }
  if (qualifier_param) {
    if (ref.qualifier && *ref.qualifier != *qualifier_param) {
      return Status(ErrorCode::kInvalidParameter,
                    "The derived qualifier from the function name does not match the specified "
                    "qualifier.");
    }
    ref.qualifier = std::string(*qualifier_param);
  }
  return Status::Ok();
}

std::string FunctionArn(std::string_view region, std::string_view account, std::string_view name,
                        std::optional<std::string_view> qualifier) {
  std::string arn = "arn:aws:lambda:";
  arn += region;
  arn += ':';
  arn += account;
  arn += ":function:";
  arn += name;
  if (qualifier) {
    arn += ':';
    arn += *qualifier;
  }
  return arn;
}

}  // namespace hr
