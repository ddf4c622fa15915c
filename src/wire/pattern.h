#pragma once
// Pattern: one `pattern` constraint of an AWS service model (a Java regular expression), matched
// the way AWS matches it: the whole value must match.
//
// The generated model tables (wire/service_model.h) hold one constant-initialized Pattern per
// distinct pattern. Each compiles its std::regex on first use, exactly once, so unused patterns
// cost nothing at start-up. Callers check the same few values over and over (every Invoke
// names its function), so each thread remembers the last value each pattern accepted and
// answers it without running the regex (a match costs microseconds and an allocation). Any
// thread may call any method at any time.

#include <mutex>
#include <optional>
#include <regex>
#include <string_view>

namespace hr::wire {

class Pattern {
 public:
  // `java` is the model's text, which AWS quotes in its messages. `ecmascript` accepts the same
  // strings in std::regex syntax; it differs from `java` only where Java syntax has no
  // ECMAScript spelling (tools/gen_shapes.py, ECMASCRIPT_EQUIVALENTS).
  constexpr Pattern(std::string_view java, std::string_view ecmascript)
      : java_(java), ecmascript_(ecmascript) {}
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  // The pattern as the model spells it.
  std::string_view text() const { return java_; }

  // True if all of `value` matches. The first call compiles the expression and throws
  // std::regex_error if std::regex rejects it (wire_test compiles every model pattern).
  bool FullMatch(std::string_view value) const;

 private:
  const std::regex& Compiled() const;

  std::string_view java_;
  std::string_view ecmascript_;
  mutable std::once_flag compile_once_;
  mutable std::optional<std::regex> regex_;
};

}  // namespace hr::wire
