// Account: asynchronous-invocation settings per qualifier — Put, Update, Get, Delete and
// List of FunctionEventInvokeConfig, with AWS's destination checks and its recorded
// messages (localstack-snapshots/test_lambda_api.snapshot.json, TestLambdaEventInvokeConfig).

#include <algorithm>
#include <utility>

#include "engine/account.h"
#include "engine/qualifier.h"

namespace hr::engine {
namespace {

Status FunctionDoesNotExist() {
  return Status(ErrorCode::kNotFound, "The function doesn't exist.");
}

// The services AWS accepts as asynchronous-invocation destinations.
bool DestinationService(std::string_view service) {
  return service == "sqs" || service == "sns" || service == "lambda" || service == "events" ||
         service == "s3";
}

// "arn:<partition>:<service>:…" -> the service, or "" when `arn` has no such shape.
std::string_view ServiceOf(std::string_view arn) {
  if (arn.substr(0, 4) != "arn:") return {};
  const std::size_t partition_end = arn.find(':', 4);
  if (partition_end == std::string_view::npos) return {};
  const std::size_t service_end = arn.find(':', partition_end + 1);
  if (service_end == std::string_view::npos) return {};
  return arn.substr(partition_end + 1, service_end - partition_end - 1);
}

// Java's rendering of the request, as AWS quotes it in the invalid-config message.
std::string DescribeDestinations(const EventInvokeChange& change) {
  auto one = [](const char* type, const std::optional<std::string>& d) -> std::string {
    if (!d) return "null";
    return std::string(type) + "(destination=" + (d->empty() ? "null" : *d) + ")";
  };
  return "DestinationConfig(onSuccess=" + one("OnSuccess", change.on_success) +
         ", onFailure=" + one("OnFailure", change.on_failure) + ")";
}

}  // namespace

StatusOr<EventInvokeConfigView> Account::PutFunctionEventInvokeConfig(
    std::string_view input, std::optional<std::string_view> qualifier,
    const EventInvokeChange& change, Timestamp now) {
  // The settings are checked before the function (AWS-recorded, put_functionname_nootherargs).
  if (!change.maximum_retry_attempts && !change.maximum_event_age_seconds && !change.on_success &&
      !change.on_failure) {
    return Status(ErrorCode::kInvalidParameter,
                  "You must specify at least one of error handling or destination setting.");
  }
  HR_ASSIGN_OR_RETURN(SettingsTarget t, ResolveSettingsTarget(input, qualifier));
  if (!t.exists) return FunctionDoesNotExist();
  for (const std::optional<std::string>* d : {&change.on_success, &change.on_failure}) {
    if (!*d || (*d)->empty()) continue;
    const std::string& arn = **d;
    if (!DestinationService(ServiceOf(arn))) {
      return Status(ErrorCode::kInvalidParameter, "The provided destination config " +
                                                      DescribeDestinations(change) + " is invalid.");
    }
    if (ServiceOf(arn) != "lambda") continue;
    auto target = ParseName(arn, FunctionNameShape::kNamespacedFunctionName, std::nullopt);
    if (target.ok() && target->name == t.name) {
      return Status(ErrorCode::kInvalidParameter,
                    "You can't specify the function as a destination for itself.");
    }
    if (!target.ok() || !Find(target->name)) {
      return Status(ErrorCode::kInvalidParameter, "The destination ARN " + arn + " is invalid.");
    }
  }
  const std::string key = t.key.empty() ? std::string(kLatest) : t.key;
  EventInvokeConfig& config = t.fn->event_invoke[key];
  config = EventInvokeConfig{change.maximum_retry_attempts, change.maximum_event_age_seconds,
                             change.on_success.value_or(""), change.on_failure.value_or(""), now};
  return EventInvokeConfigView{Arn(t.name, key), config};
}

StatusOr<EventInvokeConfigView> Account::UpdateFunctionEventInvokeConfig(
    std::string_view input, std::optional<std::string_view> qualifier,
    const EventInvokeChange& change, Timestamp now) {
  HR_ASSIGN_OR_RETURN(SettingsTarget t, ResolveSettingsTarget(input, qualifier));
  if (!t.exists) return FunctionDoesNotExist();
  HR_ASSIGN_OR_RETURN(const EventInvokeConfigView current,
                      GetFunctionEventInvokeConfig(input, qualifier));
  EventInvokeChange merged = change;
  const EventInvokeConfig& c = current.config;
  if (!merged.maximum_retry_attempts) merged.maximum_retry_attempts = c.maximum_retry_attempts;
  if (!merged.maximum_event_age_seconds) merged.maximum_event_age_seconds = c.maximum_event_age_seconds;
  if (!merged.on_success && !c.on_success.empty()) merged.on_success = c.on_success;
  if (!merged.on_failure && !c.on_failure.empty()) merged.on_failure = c.on_failure;
  return PutFunctionEventInvokeConfig(input, qualifier, merged, now);
}

StatusOr<EventInvokeConfigView> Account::GetFunctionEventInvokeConfig(
    std::string_view input, std::optional<std::string_view> qualifier) const {
  HR_ASSIGN_OR_RETURN(SettingsTarget t, ResolveSettingsTarget(input, qualifier));
  const std::string key = t.key.empty() ? std::string(kLatest) : t.key;
  if (t.exists) {
    if (auto it = t.fn->event_invoke.find(key); it != t.fn->event_invoke.end()) {
      return EventInvokeConfigView{Arn(t.name, key), it->second};
    }
  }
  const std::string named = t.qualifier.value_or(std::string(kLatest));
  return Status(ErrorCode::kNotFound,
                "The function " + Arn(t.name, named) + " doesn't have an EventInvokeConfig");
}

Status Account::DeleteFunctionEventInvokeConfig(std::string_view input,
                                                std::optional<std::string_view> qualifier,
                                                Timestamp /*now*/) {
  HR_RETURN_IF_ERROR(GetFunctionEventInvokeConfig(input, qualifier).status());
  HR_ASSIGN_OR_RETURN(SettingsTarget t, ResolveSettingsTarget(input, qualifier));
  t.fn->event_invoke.erase(t.key.empty() ? std::string(kLatest) : t.key);
  return Status::Ok();
}

StatusOr<std::vector<EventInvokeConfigView>> Account::ListFunctionEventInvokeConfigs(
    std::string_view input) const {
  HR_ASSIGN_OR_RETURN(SettingsTarget t, ResolveSettingsTarget(input, std::nullopt));
  if (!t.exists) return FunctionDoesNotExist();
  std::vector<std::pair<std::string, const EventInvokeConfig*>> entries;
  for (const auto& [key, config] : t.fn->event_invoke) entries.emplace_back(key, &config);
  // $LATEST, then versions ascending, then aliases by name.
  auto rank = [](const std::string& key) {
    if (key == kLatest) return std::make_pair(0, std::uint64_t{0});
    if (auto n = VersionNumber(key)) return std::make_pair(1, std::uint64_t{*n});
    return std::make_pair(2, std::uint64_t{0});
  };
  std::stable_sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
    return rank(a.first) < rank(b.first);
  });
  std::vector<EventInvokeConfigView> out;
  for (const auto& [key, config] : entries) out.push_back({Arn(t.name, key), *config});
  return out;
}

}  // namespace hr::engine
