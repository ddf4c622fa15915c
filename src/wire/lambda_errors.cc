#include "wire/lambda_errors.h"

#include "wire/json_response.h"

namespace hr::wire {
namespace {


constexpr LambdaErrorRow kTable[] = {
    {ErrorCode::kInvalidParameter, "InvalidParameterValueException", 400, MessageKey::kLower,
     TypeField::kUser},
    // The account-limit, unreserved-minimum and reserved-below-provisioned rules: AWS-recorded
    // bodies carry `message` only (spec §2).
    {ErrorCode::kConcurrencyLimit, "InvalidParameterValueException", 400, MessageKey::kLower,
     TypeField::kNone},
    {ErrorCode::kValidation, "ValidationException", 400, MessageKey::kLower, TypeField::kNone},
    {ErrorCode::kNotFound, "ResourceNotFoundException", 404, MessageKey::kUpper,
     TypeField::kUser},
    {ErrorCode::kProvisionedConfigNotFound, "ProvisionedConcurrencyConfigNotFoundException", 404,
     MessageKey::kLower, TypeField::kUser},
    {ErrorCode::kConflict, "ResourceConflictException", 409, MessageKey::kLower,
     TypeField::kUser},
    {ErrorCode::kPreconditionFailed, "PreconditionFailedException", 412, MessageKey::kLower,
     TypeField::kUser},
    {ErrorCode::kAccessDenied, "AccessDeniedException", 403, MessageKey::kUpper,
     TypeField::kNone},
    {ErrorCode::kInvalidRequestContent, "InvalidRequestContentException", 400,
     MessageKey::kLower, TypeField::kUser},
    {ErrorCode::kRequestTooLarge, "RequestTooLargeException", 413, MessageKey::kLower,
     TypeField::kUser},
    {ErrorCode::kUnsupportedMediaType, "UnsupportedMediaTypeException", 415, MessageKey::kLower,
     TypeField::kUser},
    {ErrorCode::kInternal, "ServiceException", 500, MessageKey::kUpper, TypeField::kService},
};

constexpr LambdaErrorRow kFallback = {ErrorCode::kInternal, "ServiceException", 500,
                                      MessageKey::kUpper, TypeField::kService};

// Rows sit at index code - 1, so a lookup is an index, checked.
constexpr bool TableIsIndexed() {
  for (std::size_t i = 0; i < std::size(kTable); ++i) {
    if (static_cast<std::size_t>(kTable[i].code) != i + 1) return false;
  }
  return true;
}
static_assert(TableIsIndexed(), "kTable must list ErrorCodes in order, from the first after kOk");

constexpr std::string_view kContentType = "application/json";
constexpr std::string_view kUnknownOperation = "UnknownOperationException";

WireError Start(int http_status, std::string_view error_type) {
  WireError error;
  error.http_status = http_status;
  error.headers = {HttpHeader{"x-amzn-ErrorType", error_type},
                   HttpHeader{"Content-Type", kContentType}};
  return error;
}

std::string_view TypeValue(TypeField type) {
  return type == TypeField::kService ? "Service" : "User";
}

}  // namespace

std::span<const LambdaErrorRow> LambdaErrorTable() { return kTable; }

const LambdaErrorRow& LambdaFallbackError() { return kFallback; }

const LambdaErrorRow& LambdaErrorFor(ErrorCode code) {
  const auto index = static_cast<std::size_t>(code);
  if (index == 0 || index > std::size(kTable)) return kFallback;
  return kTable[index - 1];
}

WireError RenderLambdaError(const Status& status) {
  const LambdaErrorRow& row = LambdaErrorFor(status.code());
  WireError error = Start(row.http_status, row.error_type);
  const std::string_view message = status.message();
  error.body.reserve(message.size() + 40);
  JsonObjectWriter body(&error.body);
  // Keys in byte order, as AWS writes them: "Message" < "Type" < "message".
  auto write_message = [&](std::string_view key) {
    if (message.empty()) {
      body.Null(key);
    } else {
      body.String(key, message);
    }
  };
  if (row.message_key == MessageKey::kUpper) write_message("Message");
  if (row.type_field != TypeField::kNone) body.String("Type", TypeValue(row.type_field));
  if (row.message_key == MessageKey::kLower) write_message("message");
  body.Close();
  return error;
}

std::string_view LambdaThrottleBody(ThrottleReason reason) {
  switch (reason) {
    case ThrottleReason::kNone:
      return "";
    case ThrottleReason::kConcurrentInvocationLimitExceeded:
      return R"({"Reason":"ConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."})";
    case ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded:
      return R"({"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."})";
    case ThrottleReason::kFunctionInvocationRateLimitExceeded:
      return R"({"Reason":"FunctionInvocationRateLimitExceeded","Type":"User","message":"Rate Exceeded."})";
    case ThrottleReason::kReservedFunctionInvocationRateLimitExceeded:
      return R"({"Reason":"ReservedFunctionInvocationRateLimitExceeded","Type":"User","message":"Rate Exceeded."})";
    case ThrottleReason::kCallerRateLimitExceeded:
      return R"({"Reason":"CallerRateLimitExceeded","Type":"User","message":"Rate exceeded"})";
    case ThrottleReason::kConcurrentSnapshotCreateLimitExceeded:
      return R"({"Reason":"ConcurrentSnapshotCreateLimitExceeded","Type":"User","message":"Rate Exceeded."})";
  }
  return "";
}

WireError RenderLambdaThrottle(ThrottleReason reason) {
  const std::string_view body = LambdaThrottleBody(reason);
  if (body.empty()) return RenderLambdaError(Status(ErrorCode::kInternal, ""));
  WireError error = Start(429, "TooManyRequestsException");
  error.body.assign(body);
  return error;
}

WireError RenderLambdaRouteFailure(RouteStatus status) {
  if (status == RouteStatus::kBadEncoding) {
    return RenderLambdaError(Status(ErrorCode::kInvalidRequestContent,
                                    "The request URI is not correctly percent-encoded."));
  }
  WireError error = Start(404, kUnknownOperation);
  error.body.assign(R"({"Type":"User","message":null})");
  return error;
}

}  // namespace hr::wire
