#pragma once
// ErrorCode: the domain's failure kinds, shared by every layer.
//
// A code names *what went wrong* in the model's terms, precisely enough that the wire layer
// can render AWS's error for it without looking at the message: each code maps to exactly
// one (error type, HTTP status, message key, Type field) per AWS service, through one
// translation table at the edge (wire/). The comment on each code gives the Lambda row of
// that table, which is what the engine's rules are written against.
//
// Pure: no I/O. Any thread.

#include <cstdint>
#include <string_view>

namespace hr {

enum class ErrorCode : std::uint8_t {
  kOk = 0,
  // InvalidParameterValueException, 400, {"Type":"User","message":...}
  kInvalidParameter,
  // InvalidParameterValueException, 400, {"message":...} with no Type: AWS sends these for
  // the account-limit, unreserved-minimum and reserved-below-provisioned rules.
  kConcurrencyLimit,
  // ValidationException, 400, {"message":...}: a request member breaks a model constraint.
  kValidation,
  // ResourceNotFoundException, 404, {"Type":"User","Message":...}
  kNotFound,
  // ProvisionedConcurrencyConfigNotFoundException, 404, {"Type":"User","message":...}
  kProvisionedConfigNotFound,
  // ResourceConflictException, 409, {"Type":"User","message":...}
  kConflict,
  // PreconditionFailedException, 412, {"Type":"User","message":...}
  kPreconditionFailed,
  // AccessDeniedException, 403: an ARN names another account.
  kAccessDenied,
  // InvalidRequestContentException, 400: the body is not what the operation accepts.
  kInvalidRequestContent,
  // RequestTooLargeException, 413.
  kRequestTooLarge,
  // UnsupportedMediaTypeException, 415.
  kUnsupportedMediaType,
  // ServiceException, 500, {"Type":"Service","Message":...}: a real server failure.
  kInternal,
};

// The code's own name, for logs and test failure messages ("kNotFound" -> "NotFound").
std::string_view ErrorCodeName(ErrorCode code);

}  // namespace hr
