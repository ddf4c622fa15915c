#include "wire/pattern.h"

namespace hr::wire {

bool Pattern::FullMatch(std::string_view value) const {
  return std::regex_match(value.begin(), value.end(), Compiled());
}

const std::regex& Pattern::Compiled() const {
  std::call_once(compile_once_, [this] {
    regex_.emplace(ecmascript_.begin(), ecmascript_.end(), std::regex::ECMAScript);
  });
  return *regex_;
}

}  // namespace hr::wire
