#include "wire/lambda_errors.h"

#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "wire/json_response.h"

namespace hr::wire {
namespace {


struct Row {
  ErrorCode code;
  const char* type;
  int status;
  const char* body;  // for the message "m"
};

// The Lambda column of base/error_code.h and spec §1.1/§2, written out independently of the
// table under test. Every ErrorCode but kOk has a row here; the last rows are the fallback.
const std::vector<Row>& Expected() {
  static const std::vector<Row> rows = {
      {ErrorCode::kInvalidParameter, "InvalidParameterValueException", 400,
       R"({"Type":"User","message":"m"})"},
      {ErrorCode::kConcurrencyLimit, "InvalidParameterValueException", 400, R"({"message":"m"})"},
      {ErrorCode::kValidation, "ValidationException", 400, R"({"message":"m"})"},
      {ErrorCode::kNotFound, "ResourceNotFoundException", 404, R"({"Message":"m","Type":"User"})"},
      {ErrorCode::kProvisionedConfigNotFound, "ProvisionedConcurrencyConfigNotFoundException", 404,
       R"({"Type":"User","message":"m"})"},
      {ErrorCode::kConflict, "ResourceConflictException", 409, R"({"Type":"User","message":"m"})"},
      {ErrorCode::kPreconditionFailed, "PreconditionFailedException", 412,
       R"({"Type":"User","message":"m"})"},
      {ErrorCode::kAccessDenied, "AccessDeniedException", 403, R"({"Message":"m"})"},
      {ErrorCode::kInvalidRequestContent, "InvalidRequestContentException", 400,
       R"({"Type":"User","message":"m"})"},
      {ErrorCode::kRequestTooLarge, "RequestTooLargeException", 413,
       R"({"Type":"User","message":"m"})"},
      {ErrorCode::kUnsupportedMediaType, "UnsupportedMediaTypeException", 415,
       R"({"Type":"User","message":"m"})"},
      {ErrorCode::kInternal, "ServiceException", 500, R"({"Message":"m","Type":"Service"})"},
      // Fallback: OK (a caller bug) and a code with no row.
      {ErrorCode::kOk, "ServiceException", 500, R"({"Message":"m","Type":"Service"})"},
      {static_cast<ErrorCode>(200), "ServiceException", 500, R"({"Message":"m","Type":"Service"})"},
  };
  return rows;
}

TEST(LambdaErrorsTest, EveryRowRendersAsAwsDoes) {
  for (const Row& row : Expected()) {
    SCOPED_TRACE(std::string(ErrorCodeName(row.code)));
    const WireError error = RenderLambdaError(Status(row.code, "m"));
    EXPECT_EQ(error.http_status, row.status);
    EXPECT_EQ(error.error_type(), row.type);
    EXPECT_EQ(error.headers[0].name, "x-amzn-ErrorType");
    EXPECT_EQ(error.headers[1].name, "Content-Type");
    EXPECT_EQ(error.headers[1].value, "application/json");
    EXPECT_EQ(error.body, row.body);
    EXPECT_NO_THROW(boost::json::parse(error.body));
  }
}

TEST(LambdaErrorsTest, TableCoversEveryCodeOnce) {
  // Every code between kOk and kInternal has its own row, found by LambdaErrorFor.
  const auto last = static_cast<int>(ErrorCode::kInternal);
  EXPECT_EQ(LambdaErrorTable().size(), static_cast<std::size_t>(last));
  EXPECT_EQ(Expected().size(), static_cast<std::size_t>(last) + 2);  // + the fallback rows
  for (int i = 1; i <= last; ++i) {
    const auto code = static_cast<ErrorCode>(i);
    SCOPED_TRACE(std::string(ErrorCodeName(code)));
    EXPECT_NE(ErrorCodeName(code), "Unknown");
    EXPECT_EQ(LambdaErrorFor(code).code, code);
    EXPECT_NE(&LambdaErrorFor(code), &LambdaFallbackError());
  }
  EXPECT_EQ(&LambdaErrorFor(ErrorCode::kOk), &LambdaFallbackError());
  EXPECT_EQ(&LambdaErrorFor(static_cast<ErrorCode>(last + 1)), &LambdaFallbackError());
  EXPECT_EQ(LambdaFallbackError().error_type, "ServiceException");
  EXPECT_EQ(LambdaFallbackError().http_status, 500);
}

// Bodies captured from real AWS (spec §1.1), reproduced byte for byte.
TEST(LambdaErrorsTest, ReproducesCapturedBodies) {
  EXPECT_EQ(RenderLambdaError(Status(ErrorCode::kNotFound,
                                     "Function not found: arn:aws:lambda:us-east-1:111111111111:"
                                     "function:NAME:active"))
                .body,
            R"({"Message":"Function not found: arn:aws:lambda:us-east-1:111111111111:)"
            R"(function:NAME:active","Type":"User"})");
  EXPECT_EQ(RenderLambdaError(
                Status(ErrorCode::kInvalidParameter,
                       "Provisioned Concurrency Configs cannot be applied to unpublished function "
                       "versions."))
                .body,
            R"({"Type":"User","message":"Provisioned Concurrency Configs cannot be applied to )"
            R"(unpublished function versions."})");
  // Spec §2: the RC-below-PC message keeps its leading and double spaces, and has no Type.
  EXPECT_EQ(RenderLambdaError(Status(ErrorCode::kConcurrencyLimit,
                                     " ReservedConcurrentExecutions  1 should not be lower than "
                                     "function's total provisioned concurrency [2]."))
                .body,
            R"({"message":" ReservedConcurrentExecutions  1 should not be lower than function's )"
            R"(total provisioned concurrency [2]."})");
}

TEST(LambdaErrorsTest, EscapesAndNullMessages) {
  EXPECT_EQ(RenderLambdaError(Status(ErrorCode::kConflict, "say \"hi\"\n")).body,
            R"({"Type":"User","message":"say \"hi\"\n"})");
  EXPECT_EQ(RenderLambdaError(Status(ErrorCode::kNotFound, "")).body,
            R"({"Message":null,"Type":"User"})");
  EXPECT_EQ(RenderLambdaError(Status()).body, R"({"Message":null,"Type":"Service"})");
}

TEST(LambdaErrorsTest, ThrottleBodies) {
  const std::vector<std::pair<ThrottleReason, const char*>> rows = {
      {ThrottleReason::kConcurrentInvocationLimitExceeded,
       R"({"Reason":"ConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."})"},
      {ThrottleReason::kReservedFunctionConcurrentInvocationLimitExceeded,
       R"({"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User",)"
       R"("message":"Rate Exceeded."})"},
      {ThrottleReason::kFunctionInvocationRateLimitExceeded,
       R"({"Reason":"FunctionInvocationRateLimitExceeded","Type":"User",)"
       R"("message":"Rate Exceeded."})"},
      {ThrottleReason::kReservedFunctionInvocationRateLimitExceeded,
       R"({"Reason":"ReservedFunctionInvocationRateLimitExceeded","Type":"User",)"
       R"("message":"Rate Exceeded."})"},
      {ThrottleReason::kCallerRateLimitExceeded,
       R"({"Reason":"CallerRateLimitExceeded","Type":"User","message":"Rate exceeded"})"},
      {ThrottleReason::kConcurrentSnapshotCreateLimitExceeded,
       R"({"Reason":"ConcurrentSnapshotCreateLimitExceeded","Type":"User",)"
       R"("message":"Rate Exceeded."})"},
  };
  for (const auto& [reason, body] : rows) {
    SCOPED_TRACE(std::string(ThrottleReasonName(reason)));
    EXPECT_EQ(LambdaThrottleBody(reason), body);
    const WireError error = RenderLambdaThrottle(reason);
    EXPECT_EQ(error.http_status, 429);
    EXPECT_EQ(error.error_type(), "TooManyRequestsException");
    EXPECT_EQ(error.headers[1].value, "application/json");
    EXPECT_EQ(error.body, body);
    // The hand-written literal agrees with core's spelling of the reason.
    std::string built;
    JsonObjectWriter(&built)
        .String("Reason", ThrottleReasonName(reason))
        .String("Type", "User")
        .String("message", reason == ThrottleReason::kCallerRateLimitExceeded ? "Rate exceeded"
                                                                              : "Rate Exceeded.")
        .Close();
    EXPECT_EQ(built, body);
  }
  // Every reason but kNone is covered above.
  EXPECT_EQ(rows.size(), static_cast<std::size_t>(
                             ThrottleReason::kConcurrentSnapshotCreateLimitExceeded));
  EXPECT_EQ(LambdaThrottleBody(ThrottleReason::kNone), "");
  const WireError none = RenderLambdaThrottle(ThrottleReason::kNone);
  EXPECT_EQ(none.http_status, 500);
  EXPECT_EQ(none.error_type(), "ServiceException");
}

TEST(LambdaErrorsTest, RouteFailures) {
  for (RouteStatus status : {RouteStatus::kNoRoute, RouteStatus::kWrongMethod}) {
    SCOPED_TRACE(std::string(RouteStatusName(status)));
    const WireError error = RenderLambdaRouteFailure(status);
    EXPECT_EQ(error.http_status, 404);
    EXPECT_EQ(error.error_type(), "UnknownOperationException");
    EXPECT_EQ(error.body, R"({"Type":"User","message":null})");
  }
  const WireError bad = RenderLambdaRouteFailure(RouteStatus::kBadEncoding);
  EXPECT_EQ(bad.http_status, 400);
  EXPECT_EQ(bad.error_type(), "InvalidRequestContentException");
  EXPECT_EQ(bad.body,
            R"({"Type":"User","message":"The request URI is not correctly percent-encoded."})");
}

}  // namespace
}  // namespace hr::wire
