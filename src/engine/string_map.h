#pragma once
// StringMap<V>: an unordered map from std::string that can be searched with a
// std::string_view, without building a temporary string (heterogeneous lookup).
// Pure; as thread-safe as std::unordered_map.

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace hr::engine {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

}  // namespace hr::engine
