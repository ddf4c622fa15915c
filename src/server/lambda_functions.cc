// Functions and versions: CreateFunction, GetFunction, GetFunctionConfiguration,
// UpdateFunctionConfiguration, UpdateFunctionCode, ListFunctions, ListVersionsByFunction,
// DeleteFunction and PublishVersion (spec §1.2).
//
// A function's State is "Pending" in the CreateFunction response and "Active" from then on
// (AWS takes about a second; headroom activates it as soon as it is created, so waiters and
// the manual clock need no extra step).

#include <string>

#include <openssl/sha.h>

#include "server/code_package.h"
#include "base/iso_time.h"
#include "server/simulated_runtime.h"
#include "server/lambda_service.h"
#include "wire/json_response.h"

namespace hr::server {
namespace {

bool SupportedRuntime(std::string_view runtime) {
  return runtime == "provided.al2023" || runtime == "provided.al2" ||
         runtime.substr(0, 7) == "python3";
}

// How a response shows a configuration: just created (State Pending), just updated
// (LastUpdateStatus InProgress), settled, or as a List* item (no state, no runtime version).
enum class ConfigurationForm { kCreated, kUpdated, kSettled, kListed };

constexpr std::string_view kCreatingReason = "The function is being created.";

// "arn:aws:lambda:<region>::runtime:<64 hex>": a stable id per runtime, as AWS prints one.
std::string RuntimeVersionArn(std::string_view region, std::string_view runtime) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(runtime.data()), runtime.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string arn = "arn:aws:lambda:" + std::string(region) + "::runtime:";
  for (unsigned char byte : digest) {
    arn += kHex[byte >> 4];
    arn += kHex[byte & 0xF];
  }
  return arn;
}

// The fields CreateFunction and UpdateFunctionConfiguration both set; absent ones are kept.
// The model validator has checked their types.
void ApplySettableFields(const boost::json::object& body, engine::FunctionConfig& config) {
  config.handler = StringOr(body, "Handler", config.handler);
  config.role = StringOr(body, "Role", config.role);
  config.description = StringOr(body, "Description", config.description);
  if (const auto* v = body.if_contains("Timeout")) config.timeout = v->to_number<std::int32_t>();
  if (const auto* v = body.if_contains("MemorySize")) config.memory_size = v->to_number<std::int32_t>();
  if (const auto* env = body.if_contains("Environment"); env && env->is_object()) {
    config.has_environment = true;
    config.environment.clear();
    if (const auto* vars = env->get_object().if_contains("Variables"); vars && vars->is_object()) {
      for (const auto& [key, value] : vars->get_object()) {
        if (value.is_string()) config.environment[std::string(key)] = std::string(value.get_string());
      }
    }
  }
}

Status CheckRuntime(std::string_view runtime) {
  if (SupportedRuntime(runtime)) return Status::Ok();
  std::string message = "Runtime '";
  message += runtime;
  message += "' is not supported by headroom: use provided.al2023, provided.al2 or python3.x.";
  return Status(ErrorCode::kInvalidParameter, std::move(message));
}

void WriteConfiguration(std::string* out, const engine::FunctionConfigView& v, std::string_view region,
                        ConfigurationForm form) {
  const engine::FunctionConfig& c = v.config;
  std::string environment, variables = "{";
  bool first = true;
  for (const auto& [key, value] : c.environment) {
    if (!first) variables += ',';
    first = false;
    wire::AppendJsonString(&variables, key);
    variables += ':';
    wire::AppendJsonString(&variables, value);
  }
  variables += '}';
  wire::JsonObjectWriter(&environment).Raw("Variables", variables).Close();
  std::string architectures = "[";
  for (std::size_t i = 0; i < c.architectures.size(); ++i) {
    if (i) architectures += ',';
    wire::AppendJsonString(&architectures, c.architectures[i]);
  }
  architectures += ']';
  std::string storage, tracing, snap, logging, runtime_version;
  wire::JsonObjectWriter(&storage).Int("Size", c.ephemeral_storage_mb).Close();
  wire::JsonObjectWriter(&tracing).String("Mode", "PassThrough").Close();
  wire::JsonObjectWriter(&snap).String("ApplyOn", "None").String("OptimizationStatus", "Off").Close();
  wire::JsonObjectWriter(&logging)
      .String("LogFormat", "Text")
      .String("LogGroup", "/aws/lambda/" + v.function_name)
      .Close();

  wire::JsonObjectWriter w(out);
  w.String("FunctionName", v.function_name)
      .String("FunctionArn", v.function_arn)
      .String("Runtime", c.runtime)
      .String("Role", c.role)
      .String("Handler", c.handler)
      .Int("CodeSize", c.code_size)
      .String("Description", c.description)
      .Int("Timeout", c.timeout)
      .Int("MemorySize", c.memory_size)
      .String("LastModified", FormatLambdaTimestamp(c.last_modified))
      .String("CodeSha256", c.code_sha256)
      .String("Version", v.version);
  // AWS leaves Environment out until it is set.
  if (c.has_environment) w.Raw("Environment", environment);
  w.Raw("TracingConfig", tracing).String("RevisionId", c.revision_id);
  // List items carry no state (AWS-recorded list_versions_result).
  if (form != ConfigurationForm::kListed) {
    w.String("State", form == ConfigurationForm::kCreated ? "Pending" : "Active");
  }
  // Each change reports the "Creating" reason, as AWS does (AWS-recorded update responses).
  switch (form) {
    case ConfigurationForm::kCreated:
      w.String("StateReason", kCreatingReason).String("StateReasonCode", "Creating");
      break;
    case ConfigurationForm::kUpdated:
      w.String("LastUpdateStatus", "InProgress")
          .String("LastUpdateStatusReason", kCreatingReason)
          .String("LastUpdateStatusReasonCode", "Creating");
      break;
    case ConfigurationForm::kSettled: w.String("LastUpdateStatus", "Successful"); break;
    case ConfigurationForm::kListed: break;
  }
  w.String("PackageType", c.package_type)
      .Raw("Architectures", architectures)
      .Raw("EphemeralStorage", storage)
      .Raw("SnapStart", snap);
  if (form != ConfigurationForm::kListed) {
    wire::JsonObjectWriter(&runtime_version)
        .String("RuntimeVersionArn", RuntimeVersionArn(region, c.runtime))
        .Close();
    w.Raw("RuntimeVersionConfig", runtime_version);
  }
  w.Raw("LoggingConfig", logging).Close();
}

}  // namespace

net::Response CreateFunction(LambdaContext& ctx, const LambdaCall& call) {
  const boost::json::object& body = *call.body;
  engine::FunctionConfig config;
  config.runtime = StringOr(body, "Runtime", "");
  if (Status s = CheckRuntime(config.runtime); !s.ok()) return ErrorReply(s);
  const boost::json::object& code = body.at("Code").get_object();
  const auto* zip = code.if_contains("ZipFile");
  if (!zip || !zip->is_string()) {
    return ErrorReply(Status(ErrorCode::kInvalidParameter,
                             "headroom accepts the deployment package as Code.ZipFile only."));
  }
  auto package = DecodeCodePackage(zip->get_string());
  if (!package.ok()) return ErrorReply(package.status());
  ApplySettableFields(body, config);
  if (auto simulated = SimulatedBehaviourOf(config.handler, config.environment); !simulated.ok()) {
    return ErrorReply(simulated.status());
  }
  if (Status stored = ctx.code.Put(package->key, package->zip); !stored.ok()) return ErrorReply(stored);
  config.code_sha256 = package->sha256;
  config.code_size = package->size;
  config.code_key = package->key;
  // AWS renews the RevisionId when the function turns Active: the Pending reply shows one
  // that the function no longer has once it can be read back (AWS-recorded).
  const std::string pending_revision = call.ids->Next();
  config.revision_id = call.ids->Next();
  const bool publish = body.contains("Publish") && body.at("Publish").is_bool() &&
                       body.at("Publish").get_bool();
  engine::PublishVersionOptions first_version;
  first_version.revision_id = call.ids->Next();

  auto view = ctx.registry.With(call.account, call.region, [&](engine::Account& a)
                                    -> StatusOr<engine::FunctionConfigView> {
    const std::string name(body.at("FunctionName").get_string());
    auto created = a.CreateFunction(name, call.now, config);
    if (!created.ok()) return created.status();
    if (!publish) return a.GetFunctionConfiguration(name, std::nullopt);
    auto published = a.PublishVersion(name, call.now, first_version);
    if (!published.ok()) return published.status();
    const std::string version = std::to_string(*published);
    return a.GetFunctionConfiguration(name, std::string_view(version));
  });
  if (!view.ok()) return ErrorReply(view.status());
  // With Publish, the reply is version 1's configuration under the unqualified ARN.
  engine::FunctionConfigView reply = *view;
  reply.function_arn = reply.unqualified_arn;
  reply.config.revision_id = pending_revision;
  std::string out;
  WriteConfiguration(&out, reply, call.region, ConfigurationForm::kCreated);
  return JsonReply(201, std::move(out));
}

net::Response UpdateFunctionConfiguration(LambdaContext& ctx, const LambdaCall& call) {
  const boost::json::object empty;
  const boost::json::object& body = call.body ? *call.body : empty;
  auto view = ctx.registry.With(call.account, call.region, [&](engine::Account& a)
                                    -> StatusOr<engine::FunctionConfigView> {
    auto current = a.GetFunctionConfiguration(call.Label("FunctionName"), std::nullopt);
    if (!current.ok()) return current.status();
    engine::FunctionConfig config = current->config;
    config.runtime = StringOr(body, "Runtime", config.runtime);
    HR_RETURN_IF_ERROR(CheckRuntime(config.runtime));
    ApplySettableFields(body, config);
    HR_RETURN_IF_ERROR(SimulatedBehaviourOf(config.handler, config.environment).status());
    config.revision_id = call.ids->Next();
    HR_RETURN_IF_ERROR(a.UpdateFunctionConfiguration(call.Label("FunctionName"), config, call.now));
    return a.GetFunctionConfiguration(call.Label("FunctionName"), std::nullopt);
  });
  if (!view.ok()) return ErrorReply(view.status());
  std::string out;
  WriteConfiguration(&out, *view, call.region, ConfigurationForm::kUpdated);
  return JsonReply(200, std::move(out));
}

net::Response UpdateFunctionCode(LambdaContext& ctx, const LambdaCall& call) {
  const auto* zip = call.body ? call.body->if_contains("ZipFile") : nullptr;
  if (!zip || !zip->is_string()) {
    return ErrorReply(Status(ErrorCode::kInvalidParameter,
                             "headroom accepts the deployment package as ZipFile only."));
  }
  auto package = DecodeCodePackage(zip->get_string());
  if (!package.ok()) return ErrorReply(package.status());
  if (Status stored = ctx.code.Put(package->key, package->zip); !stored.ok()) return ErrorReply(stored);
  const bool publish = call.body->contains("Publish") && call.body->at("Publish").is_bool() &&
                       call.body->at("Publish").get_bool();
  engine::FunctionCodeUpdate code{package->sha256, package->size, package->key, call.ids->Next()};
  auto view = ctx.registry.With(call.account, call.region, [&](engine::Account& a)
                                    -> StatusOr<engine::FunctionConfigView> {
    const std::string_view name = call.Label("FunctionName");
    HR_RETURN_IF_ERROR(a.UpdateFunctionCode(name, code, call.now));
    if (!publish) return a.GetFunctionConfiguration(name, std::nullopt);
    engine::PublishVersionOptions options;
    options.only_if_changed = true;
    options.revision_id = call.ids->Next();
    auto number = a.PublishVersion(name, call.now, options);
    if (!number.ok()) return number.status();
    const std::string version = std::to_string(*number);
    return a.GetFunctionConfiguration(name, std::string_view(version));
  });
  if (!view.ok()) return ErrorReply(view.status());
  std::string out;
  // With Publish, the reply is the new version's, still being created (AWS-recorded
  // update_function_code_result).
  WriteConfiguration(&out, *view, call.region,
                     publish ? ConfigurationForm::kCreated : ConfigurationForm::kUpdated);
  return JsonReply(200, std::move(out));
}

namespace {

void WriteListed(std::string* out, const engine::FunctionConfigView& v) {
  WriteConfiguration(out, v, /*region=*/"", ConfigurationForm::kListed);
}

}  // namespace

net::Response ListFunctions(LambdaContext& ctx, const LambdaCall& call) {
  const bool all = call.route.QueryValue("FunctionVersion") == std::optional<std::string_view>("ALL");
  const std::vector<engine::FunctionConfigView> views = ctx.registry.With(
      call.account, call.region, [&](engine::Account& a) { return a.ListFunctions(all); });
  return PagedReply(call, "Functions", views, WriteListed);
}

net::Response ListVersionsByFunction(LambdaContext& ctx, const LambdaCall& call) {
  auto views = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.ListVersions(call.Label("FunctionName"));
  });
  if (!views.ok()) return ErrorReply(views.status());
  return PagedReply(call, "Versions", *views, WriteListed);
}

net::Response GetFunctionConfiguration(LambdaContext& ctx, const LambdaCall& call) {
  auto view = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.GetFunctionConfiguration(call.Label("FunctionName"), call.route.QueryValue("Qualifier"));
  });
  if (!view.ok()) return ErrorReply(view.status());
  std::string out;
  WriteConfiguration(&out, *view, call.region, ConfigurationForm::kSettled);
  return JsonReply(200, std::move(out));
}

// Concurrency appears only when reserved concurrency is set (AWS-recorded).
net::Response GetFunction(LambdaContext& ctx, const LambdaCall& call) {
  std::optional<std::int32_t> reserved;
  auto view = ctx.registry.With(call.account, call.region, [&](engine::Account& a)
                                    -> StatusOr<engine::FunctionConfigView> {
    auto v = a.GetFunctionConfiguration(call.Label("FunctionName"), call.route.QueryValue("Qualifier"));
    if (v.ok()) {
      auto rc = a.GetFunctionConcurrency(v->function_name);
      if (rc.ok()) reserved = *rc;
    }
    return v;
  });
  if (!view.ok()) return ErrorReply(view.status());
  std::string configuration, code, concurrency, out;
  WriteConfiguration(&configuration, *view, call.region, ConfigurationForm::kSettled);
  // Location serves the zip from this server, as a presigned S3 URL would.
  wire::JsonObjectWriter(&code)
      .String("RepositoryType", "S3")
      .String("Location", std::string(call.endpoint) + "/_headroom/code/" + view->config.code_key + ".zip")
      .Close();
  wire::JsonObjectWriter w(&out);
  w.Raw("Configuration", configuration).Raw("Code", code);
  if (reserved) {
    wire::JsonObjectWriter(&concurrency).Int("ReservedConcurrentExecutions", *reserved).Close();
    w.Raw("Concurrency", concurrency);
  }
  w.Close();
  return JsonReply(200, std::move(out));
}

net::Response DeleteFunction(LambdaContext& ctx, const LambdaCall& call) {
  Status s = ctx.registry.With(call.account, call.region, [&](engine::Account& a) {
    return a.DeleteFunction(call.Label("FunctionName"), call.route.QueryValue("Qualifier"), call.now);
  });
  if (!s.ok()) return ErrorReply(s);
  return EmptyReply(204);
}

net::Response PublishVersion(LambdaContext& ctx, const LambdaCall& call) {
  engine::PublishVersionOptions options;
  options.only_if_changed = true;
  options.revision_id = call.ids->Next();
  options.latest_revision_id = call.ids->Next();  // AWS renews $LATEST's on every publish
  if (call.body) {
    if (const auto* d = call.body->if_contains("Description"); d && d->is_string()) {
      options.description = std::string(d->get_string());
    }
    options.expected_revision_id = OptionalString(call.body, "RevisionId").value_or("");
    options.expected_code_sha256 = OptionalString(call.body, "CodeSha256").value_or("");
  }
  auto view = ctx.registry.With(call.account, call.region, [&](engine::Account& a)
                                    -> StatusOr<engine::FunctionConfigView> {
    auto number = a.PublishVersion(call.Label("FunctionName"), call.now, options);
    if (!number.ok()) return number.status();
    const std::string version = std::to_string(*number);
    return a.GetFunctionConfiguration(call.Label("FunctionName"), std::string_view(version));
  });
  if (!view.ok()) return ErrorReply(view.status());
  std::string out;
  WriteConfiguration(&out, *view, call.region, ConfigurationForm::kSettled);
  return JsonReply(201, std::move(out));
}

}  // namespace hr::server
