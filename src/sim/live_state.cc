#include "sim/live_state.h"

#include <boost/json.hpp>

namespace hr::sim {
namespace {

Status Invalid(std::string message) { return Status(ErrorCode::kInvalidParameter, "--from: " + std::move(message)); }

std::string StringAt(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<std::int64_t> IntAt(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
  return std::nullopt;
}

}  // namespace

Status ApplyLiveState(std::string_view state_json, Workload& w) {
  const bool account_given = w.account_named;
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(state_json, ec);
  if (ec || !root.is_object()) return Invalid("the state is not JSON: " + (ec ? ec.message() : "not an object"));
  const boost::json::value* accounts = root.get_object().if_contains("accounts");
  if (!accounts || !accounts->is_array()) return Invalid("the state has no \"accounts\" list");
  const boost::json::object* chosen = nullptr;
  std::string present;
  for (const boost::json::value& a : accounts->get_array()) {
    if (!a.is_object()) continue;
    const boost::json::object& o = a.get_object();
    present += (present.empty() ? "" : ", ") + StringAt(o, "account") + "/" + StringAt(o, "region");
    const bool match = StringAt(o, "account") == w.account_id && StringAt(o, "region") == w.region;
    if (match || (!account_given && accounts->get_array().size() == 1)) chosen = &o;
  }
  if (!chosen) {
    return Invalid("the state has no account " + w.account_id + "/" + w.region +
                   (present.empty() ? std::string(" (it has none)") : " (it has " + present + ")"));
  }
  w.account_id = StringAt(*chosen, "account");
  w.region = StringAt(*chosen, "region");
  if (auto limit = IntAt(*chosen, "limit")) w.limit = *limit;
  if (auto minimum = IntAt(*chosen, "unreserved_minimum")) w.unreserved_minimum = *minimum;
  const boost::json::value* functions = chosen->if_contains("functions");
  if (!functions || !functions->is_array()) {
    return Invalid("the state's account has no \"functions\" list (the server predates --from)");
  }
  for (const boost::json::value& v : functions->get_array()) {
    if (!v.is_object()) continue;
    const boost::json::object& f = v.get_object();
    const std::string name = StringAt(f, "name");
    FunctionSpec* spec = nullptr;
    for (FunctionSpec& s : w.functions) {
      if (s.name == name) spec = &s;
    }
    if (!spec) {
      w.functions.push_back(FunctionSpec{});
      spec = &w.functions.back();
      spec->name = name;
    }
    spec->reserved = IntAt(f, "reserved");
    if (auto timeout = IntAt(f, "timeout")) spec->timeout = Duration::Seconds(*timeout);
    const std::string invoke = spec->invoke;
    spec->provisioned.clear();
    if (const boost::json::value* pcs = f.if_contains("provisioned"); pcs && pcs->is_array()) {
      for (const boost::json::value& p : pcs->get_array()) {
        if (!p.is_object()) continue;
        spec->provisioned.push_back({StringAt(p.get_object(), "qualifier"), IntAt(p.get_object(), "requested").value_or(0)});
      }
    }
    // A qualifier the file invoked must still exist live.
    bool known = invoke.empty() || invoke == "$LATEST";
    for (const ProvisionedSpec& p : spec->provisioned) known = known || p.qualifier == invoke;
    if (!known) spec->invoke.clear();
  }
  return Status::Ok();
}

}  // namespace hr::sim
