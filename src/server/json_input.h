#pragma once
// Readers for the JSON input tree of an RPC call (server/rpc_service.h): a member's string,
// number, boolean, array or object, or a default when it is absent. Timestamps arrive as
// epoch seconds (the query protocol's are converted by wire/query_protocol.h). Pure; any
// thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "base/iso_time.h"
#include "base/time.h"

namespace hr::server {

inline const boost::json::value* Member(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() || it->value().is_null() ? nullptr : &it->value();
}

inline std::string StringOr(const boost::json::object& o, std::string_view key, std::string_view fallback = "") {
  const boost::json::value* v = Member(o, key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string(fallback);
}

inline std::optional<double> NumberOf(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = Member(o, key);
  if (!v || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

inline std::optional<bool> BoolOf(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = Member(o, key);
  if (!v || !v->is_bool()) return std::nullopt;
  return v->get_bool();
}

inline const boost::json::array* ArrayOf(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = Member(o, key);
  return v && v->is_array() ? &v->get_array() : nullptr;
}

inline const boost::json::object* ObjectOf(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = Member(o, key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

// A timestamp member (epoch seconds, fractions allowed; wire::ValidateInput has refused one
// that a Timestamp cannot hold).
inline std::optional<Timestamp> TimestampOf(const boost::json::object& o, std::string_view key) {
  std::optional<double> seconds = NumberOf(o, key);
  if (!seconds) return std::nullopt;
  return TimestampFromUnixSeconds(*seconds);
}

// Epoch seconds as the JSON protocols send them.
inline double EpochSeconds(Timestamp t) { return static_cast<double>(t.unix_millis()) / 1e3; }

}  // namespace hr::server
