#include "wire/pattern.h"

#include <string>
#include <unordered_map>

namespace hr::wire {

bool Pattern::FullMatch(std::string_view value) const {
  // Patterns live as long as the program (the model tables), so their addresses are stable keys.
  thread_local std::unordered_map<const Pattern*, std::string> last_accepted;
  if (const auto it = last_accepted.find(this); it != last_accepted.end() && it->second == value) {
    return true;
  }
  if (!std::regex_match(value.begin(), value.end(), Compiled())) return false;
  last_accepted[this].assign(value);
  return true;
}

const std::regex& Pattern::Compiled() const {
  std::call_once(compile_once_, [this] {
    regex_.emplace(ecmascript_.begin(), ecmascript_.end(), std::regex::ECMAScript);
  });
  return *regex_;
}

}  // namespace hr::wire
