#include "base/error_code.h"

namespace hr {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "Ok";
    case ErrorCode::kInvalidParameter: return "InvalidParameter";
    case ErrorCode::kConcurrencyLimit: return "ConcurrencyLimit";
    case ErrorCode::kValidation: return "Validation";
    case ErrorCode::kNotFound: return "NotFound";
    case ErrorCode::kProvisionedConfigNotFound: return "ProvisionedConfigNotFound";
    case ErrorCode::kConflict: return "Conflict";
    case ErrorCode::kPreconditionFailed: return "PreconditionFailed";
    case ErrorCode::kAccessDenied: return "AccessDenied";
    case ErrorCode::kInvalidRequestContent: return "InvalidRequestContent";
    case ErrorCode::kRequestTooLarge: return "RequestTooLarge";
    case ErrorCode::kUnsupportedMediaType: return "UnsupportedMediaType";
    case ErrorCode::kInternal: return "Internal";
  }
  return "Unknown";
}

}  // namespace hr
