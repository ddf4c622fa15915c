#include "server/admin_state.h"

#include "wire/json_response.h"

namespace hr::server {
namespace {

std::string_view StatusName(core::ProvisionedStatus s) {
  switch (s) {
    case core::ProvisionedStatus::kReady: return "READY";
    case core::ProvisionedStatus::kFailed: return "FAILED";
    case core::ProvisionedStatus::kInProgress: break;
  }
  return "IN_PROGRESS";
}

}  // namespace

std::string AccountFunctionsJson(const engine::Account& account) {
  std::string out = "[";
  bool first = true;
  for (const engine::FunctionConfigView& f : account.ListFunctions(/*all_versions=*/false)) {
    std::string provisioned = "[";
    if (auto configs = account.ListProvisionedConcurrencyConfigs(f.function_name); configs.ok()) {
      for (const engine::ProvisionedConfigView& pc : *configs) {
        if (provisioned.size() > 1) provisioned += ',';
        wire::JsonObjectWriter(&provisioned)
            .String("qualifier", pc.qualifier)
            .Int("requested", pc.requested)
            .Int("allocated", pc.allocated)
            .String("status", StatusName(pc.status))
            .Close();
      }
    }
    provisioned += ']';
    if (!first) out += ',';
    first = false;
    wire::JsonObjectWriter w(&out);
    w.String("name", f.function_name);
    auto reserved = account.GetFunctionConcurrency(f.function_name);
    if (reserved.ok() && *reserved) {
      w.Int("reserved", **reserved);
    } else {
      w.Null("reserved");
    }
    w.Int("memory_size", f.config.memory_size).Int("timeout", f.config.timeout).Raw("provisioned", provisioned).Close();
  }
  return out + "]";
}

}  // namespace hr::server
