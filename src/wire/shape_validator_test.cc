#include "wire/shape_validator.h"

#include <optional>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace hr::wire {
namespace {

// Expected texts marked "AWS-recorded" are verbatim from
// shared/localstack-snapshots/test_lambda_api.snapshot.json (the key is cited). LocalStack
// masks some values there ('<a:len(129)>' is 129 'a's, '<partition>' is 'aws'); the requests
// below use the unmasked values. Where a recording lists its errors one by one ("Count",
// "Errors"), the message joins them as AWS does: "N validation errors detected: e1; e2".
// Texts marked "derived" follow the same wording rules for a case no recording covers.

constexpr char kNamespacedFunctionNamePattern[] =
    R"((arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?)";
constexpr char kFunctionNamePattern[] =
    R"((arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?)";

// One Lambda request, as the router would hand it over.
struct Call {
  std::vector<RequestParam> labels;
  std::vector<RequestParam> query;
  std::vector<RequestParam> headers;
  std::optional<boost::json::value> body;
};

Call WithBody(std::vector<RequestParam> labels, const char* json) {
  return Call{std::move(labels), {}, {}, boost::json::parse(json)};
}

std::optional<ValidationFailure> Validate(std::string_view operation_name, const Call& call) {
  const ServiceModel& model = LambdaModel();
  const Operation* operation = model.FindOperation(operation_name);
  if (operation == nullptr) {
    ADD_FAILURE() << "no operation " << operation_name;
    return std::nullopt;
  }
  RequestView request{call.labels, call.query, call.headers, call.body ? &*call.body : nullptr};
  return ValidateInput(model, *operation, request);
}

// The ValidationException text, "<ok>" when the request passes, or "<type mismatch: ...>".
std::string ValidationText(std::string_view operation_name, const Call& call) {
  std::optional<ValidationFailure> failure = Validate(operation_name, call);
  if (!failure) return "<ok>";
  if (failure->kind == ValidationFailure::Kind::kTypeMismatch) {
    return "<type mismatch: " + failure->message + ">";
  }
  return failure->message;
}

// --- AWS-recorded ---

TEST(ShapeValidatorTest, ProvisionedConcurrencyBelowOne) {
  // test_provisioned_concurrency_exceptions [put_provisioned_invalid_param_0]
  Call call = WithBody({{"FunctionName", "fn"}}, R"({"ProvisionedConcurrentExecutions": 0})");
  call.query = {{"Qualifier", "1"}};
  EXPECT_EQ(ValidationText("PutProvisionedConcurrencyConfig", call),
            "1 validation error detected: Value '0' at 'provisionedConcurrentExecutions' failed "
            "to satisfy constraint: Member must have value greater than or equal to 1");
}

TEST(ShapeValidatorTest, QualifierTooLongOnGetFunction) {
  // test_function_name_and_qualifier_validation[qualifier_too_long0-get_function]
  std::string qualifier(129, 'a');
  Call call{{{"FunctionName", "my-function"}}, {{"Qualifier", qualifier}}, {}, {}};
  EXPECT_EQ(ValidationText("GetFunction", call),
            "1 validation error detected: Value '" + qualifier +
                "' at 'qualifier' failed to satisfy constraint: Member must have length less "
                "than or equal to 128");
}

TEST(ShapeValidatorTest, FunctionNamePatternOnGetFunction) {
  // test_function_name_and_qualifier_validation[invalid_characters_in_function_name-get_function]
  Call call{{{"FunctionName", "my-function!"}}, {}, {}, {}};
  EXPECT_EQ(ValidationText("GetFunction", call),
            std::string("1 validation error detected: Value 'my-function!' at 'functionName' "
                        "failed to satisfy constraint: Member must satisfy regular expression "
                        "pattern: ") +
                kNamespacedFunctionNamePattern);
}

TEST(ShapeValidatorTest, FunctionNamePatternOnCreateFunction) {
  // test_function_name_and_qualifier_validation[invalid_characters_in_function_name-create_function]
  Call call = WithBody({}, R"({"FunctionName": "my-function!",
                               "Role": "arn:aws:iam::111111111111:role/lambda-role",
                               "Code": {"ZipFile": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}})");
  EXPECT_EQ(ValidationText("CreateFunction", call),
            std::string("1 validation error detected: Value 'my-function!' at 'functionName' "
                        "failed to satisfy constraint: Member must satisfy regular expression "
                        "pattern: ") +
                kFunctionNamePattern);
}

TEST(ShapeValidatorTest, NumericAliasName) {
  // test_alias_naming [create_alias_number_exception]
  Call call = WithBody({{"FunctionName", "fn"}}, R"({"Name": "2024", "FunctionVersion": "1"})");
  EXPECT_EQ(ValidationText("CreateAlias", call),
            "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)");
}

TEST(ShapeValidatorTest, FunctionVersionOutsideEnum) {
  // test_list_functions [list_functions_invalid_functionversion]
  Call call{{}, {{"FunctionVersion", "invalid"}}, {}, {}};
  EXPECT_EQ(ValidationText("ListFunctions", call),
            "1 validation error detected: Value 'invalid' at 'functionVersion' failed to satisfy "
            "constraint: Member must satisfy enum value set: [ALL]");
}

TEST(ShapeValidatorTest, TwoMembersFailQueryBeforeLabel) {
  // test_function_name_and_qualifier_validation[full_arn_and_qualifier_too_long_and_invalid_region-get_function]
  std::string qualifier(129, 'a');
  std::string name = "arn:aws:lambda:invalid-region:111111111111:function:my-function-" +
                     std::string(170, 'a');
  Call call{{{"FunctionName", name}}, {{"Qualifier", qualifier}}, {}, {}};
  EXPECT_EQ(ValidationText("GetFunction", call),
            "2 validation errors detected: Value '" + qualifier +
                "' at 'qualifier' failed to satisfy constraint: Member must have length less "
                "than or equal to 128; Value '" + name +
                "' at 'functionName' failed to satisfy constraint: Member must satisfy regular "
                "expression pattern: " + kNamespacedFunctionNamePattern);
}

TEST(ShapeValidatorTest, OneMemberFailsLengthThenPattern) {
  // test_function_name_and_qualifier_validation[function_name_too_long_and_invalid_region-create_function]
  std::string name = "arn:aws:lambda:invalid-region:111111111111:function:my-function" +
                     std::string(170, 'a');
  boost::json::object body{{"FunctionName", name},
                           {"Role", "arn:aws:iam::111111111111:role/lambda-role"},
                           {"Code", boost::json::object{{"ZipFile", "UEsFBg=="}}}};
  Call call{{}, {}, {}, boost::json::value(body)};
  EXPECT_EQ(ValidationText("CreateFunction", call),
            "2 validation errors detected: Value '" + name +
                "' at 'functionName' failed to satisfy constraint: Member must have length less "
                "than or equal to 140; Value '" + name +
                "' at 'functionName' failed to satisfy constraint: Member must satisfy regular "
                "expression pattern: " + kFunctionNamePattern);
}

TEST(ShapeValidatorTest, MissingRequiredQueryList) {
  // test_tag_exceptions [untag_empty_keys]
  Call call{{{"Resource", "arn:aws:lambda:us-east-1:111111111111:function:fn"}}, {}, {}, {}};
  EXPECT_EQ(ValidationText("UntagResource", call),
            "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: "
            "Member must not be null");
}

TEST(ShapeValidatorTest, NestedStructurePath) {
  // test_lambda_eventinvokeconfig_exceptions [put_destination_invalid_arn_pattern]
  Call call = WithBody(
      {{"FunctionName", "fn"}},
      R"({"DestinationConfig": {"OnFailure": {"Destination": "arn:aws:_-/!lambda:us-east-1:111111111111:function:fn"}}})");
  EXPECT_EQ(
      ValidationText("PutFunctionEventInvokeConfig", call),
      R"(1 validation error detected: Value 'arn:aws:_-/!lambda:us-east-1:111111111111:function:fn' at 'destinationConfig.onFailure.destination' failed to satisfy constraint: Member must satisfy regular expression pattern: $|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*))");
}

TEST(ShapeValidatorTest, MapValuesJudgedWhole) {
  // test_notfound_and_invalid_routingconfigs [routing_config_exc_toohigh], [..._subzero]
  for (auto [weights, quoted] : {std::pair{R"({"2": 2.0})", "{2=2.0}"},
                                 std::pair{R"({"2": -1.0})", "{2=-1.0}"}}) {
    Call call = WithBody({{"FunctionName", "fn"}},
                         (std::string(R"({"Name": "live", "FunctionVersion": "1",
                                          "RoutingConfig": {"AdditionalVersionWeights": )") +
                          weights + "}}")
                             .c_str());
    EXPECT_EQ(ValidationText("CreateAlias", call),
              std::string("1 validation error detected: Value '") + quoted +
                  "' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: "
                  "Map value must satisfy constraint: [Member must have value less than or "
                  "equal to 1.0, Member must have value greater than or equal to 0.0, Member "
                  "must not be null]");
  }
}

TEST(ShapeValidatorTest, MapKeysJudgedWhole) {
  // test_notfound_and_invalid_routingconfigs [routing_config_exc_version_latest]
  Call call = WithBody({{"FunctionName", "fn"}}, R"({"Name": "live", "FunctionVersion": "1",
      "RoutingConfig": {"AdditionalVersionWeights": {"$LATEST": 0.5}}})");
  EXPECT_EQ(ValidationText("CreateAlias", call),
            "1 validation error detected: Value '{$LATEST=0.5}' at "
            "'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map keys must "
            "satisfy constraint: [Member must have length less than or equal to 1024, Member must "
            "have length greater than or equal to 1, Member must satisfy regular expression "
            "pattern: [0-9]+]");
}

TEST(ShapeValidatorTest, ListItemsJudgedWhole) {
  // test_create_lambda_exceptions [uppercase_architecture], [multiple_architectures]
  auto create = [](const char* architectures) {
    std::string body = R"({"FunctionName": "fn", "Role": "arn:aws:iam::111111111111:role/r",
                           "Code": {"ZipFile": "UEsFBg=="}, "Architectures": )";
    return ValidationText("CreateFunction", WithBody({}, (body + architectures + "}").c_str()));
  };
  EXPECT_EQ(create(R"(["X86_64"])"),
            "1 validation error detected: Value '[X86_64]' at 'architectures' failed to satisfy "
            "constraint: Member must satisfy constraint: [Member must satisfy enum value set: "
            "[x86_64, arm64], Member must not be null]");
  EXPECT_EQ(create(R"(["x86_64", "arm64"])"),
            "1 validation error detected: Value '[x86_64, arm64]' at 'architectures' failed to "
            "satisfy constraint: Member must have length less than or equal to 1");
}

TEST(ShapeValidatorTest, StatementIdPattern) {
  // test_permission_exceptions [add_permission_invalid_statement_id]
  Call call = WithBody({{"FunctionName", "fn"}}, R"({"StatementId": "example.com",
      "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com"})");
  EXPECT_EQ(ValidationText("AddPermission", call),
            "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)");
}

TEST(ShapeValidatorTest, QualifierPatternOnAddPermission) {
  // test_permission_exceptions [add_permission_fn_qualifier_invalid]
  Call call = WithBody({{"FunctionName", "fn"}}, R"({"StatementId": "s3",
      "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com"})");
  call.query = {{"Qualifier", "invalid-qualifier-with-?-char"}};
  EXPECT_EQ(ValidationText("AddPermission", call),
            R"(1 validation error detected: Value 'invalid-qualifier-with-?-char' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: \$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+)");
}

// --- Derived: no recording covers these; the texts follow the rules above ---

TEST(ShapeValidatorTest, MaxItemsAboveFifty) {
  Call call{{{"FunctionName", "fn"}}, {{"List", "ALL"}, {"MaxItems", "51"}}, {}, {}};
  EXPECT_EQ(ValidationText("ListProvisionedConcurrencyConfigs", call),
            "1 validation error detected: Value '51' at 'maxItems' failed to satisfy constraint: "
            "Member must have value less than or equal to 50");
}

TEST(ShapeValidatorTest, MissingRequiredBodyMember) {
  EXPECT_EQ(ValidationText("PutFunctionConcurrency", WithBody({{"FunctionName", "fn"}}, "{}")),
            "1 validation error detected: Value null at 'reservedConcurrentExecutions' failed to "
            "satisfy constraint: Member must not be null");
  // No body at all, and JSON null, are the same as a missing member.
  Call no_body{{{"FunctionName", "fn"}}, {}, {}, {}};
  EXPECT_EQ(ValidationText("PutFunctionConcurrency", no_body),
            ValidationText("PutFunctionConcurrency",
                           WithBody({{"FunctionName", "fn"}},
                                    R"({"ReservedConcurrentExecutions": null})")));
}

TEST(ShapeValidatorTest, StructureInListIsNumberedFromOne) {
  Call call = WithBody({}, R"({"FunctionName": "fn", "Role": "arn:aws:iam::111111111111:role/r",
      "Code": {"ZipFile": "UEsFBg=="},
      "FileSystemConfigs": [{"Arn": "arn:aws:elasticfilesystem:us-east-1:111111111111:access-point/fsap-0123456789abcdef0"}]})");
  EXPECT_EQ(ValidationText("CreateFunction", call),
            "1 validation error detected: Value null at "
            "'fileSystemConfigs.1.member.localMountPath' failed to satisfy constraint: Member must "
            "not be null");
}

TEST(ShapeValidatorTest, SensitiveValueIsLeftOut) {
  Call call = WithBody({}, R"({"FunctionName": "fn", "Role": "arn:aws:iam::111111111111:role/r",
      "Code": {"ZipFile": "UEsFBg=="}, "Environment": {"Variables": {"1BAD": "secret"}}})");
  EXPECT_EQ(ValidationText("CreateFunction", call),
            "1 validation error detected: Value at 'environment.variables' failed to satisfy "
            "constraint: Map keys must satisfy constraint: [Member must satisfy regular expression "
            "pattern: [a-zA-Z]([a-zA-Z0-9_])+]");
}

TEST(ShapeValidatorTest, DoublesQuotedAsJavaPrintsThem) {
  auto quoted = [](const char* weight) {
    std::string message = ValidationText(
        "CreateAlias",
        WithBody({{"FunctionName", "fn"}},
                 (std::string(R"({"Name": "live", "FunctionVersion": "1", "RoutingConfig":
                                  {"AdditionalVersionWeights": {"2": )") + weight + "}}}")
                     .c_str()));
    std::size_t begin = message.find("'{2=");
    return message.substr(begin + 4, message.find("}'") - begin - 4);
  };
  // The member is a Double: Java prints an integer sent for it as a double (AWS-recorded
  // routing_config_exc_toohigh: '{2=2.0}').
  EXPECT_EQ(quoted("2"), "2.0");
  EXPECT_EQ(quoted("1.25"), "1.25");
  EXPECT_EQ(quoted("1e7"), "1.0E7");
  EXPECT_EQ(quoted("-1.5e-5"), "-1.5E-5");
  EXPECT_EQ(quoted("12345678.5"), "1.23456785E7");
}

TEST(ShapeValidatorTest, HeaderEnumMatchedCaseInsensitively) {
  Call call{{{"FunctionName", "fn"}}, {}, {{"x-amz-invocation-type", "Later"}}, {}};
  EXPECT_EQ(ValidationText("Invoke", call),
            "1 validation error detected: Value 'Later' at 'invocationType' failed to satisfy "
            "constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
}

TEST(ShapeValidatorTest, EmptyLabelBreaksLengthAndPattern) {
  Call call{{{"FunctionName", ""}}, {}, {}, {}};
  EXPECT_EQ(ValidationText("GetFunctionConcurrency", call),
            std::string("2 validation errors detected: Value '' at 'functionName' failed to "
                        "satisfy constraint: Member must have length greater than or equal to 1; "
                        "Value '' at 'functionName' failed to satisfy constraint: Member must "
                        "satisfy regular expression pattern: ") +
                kFunctionNamePattern);
}

// --- Type mismatches ---

TEST(ShapeValidatorTest, WrongJsonTypeIsATypeMismatch) {
  std::optional<ValidationFailure> failure = Validate(
      "PutFunctionConcurrency",
      WithBody({{"FunctionName", "fn"}}, R"({"ReservedConcurrentExecutions": "5"})"));
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->kind, ValidationFailure::Kind::kTypeMismatch);
  EXPECT_EQ(failure->message, "STRING_VALUE can not be converted to an Integer");
}

TEST(ShapeValidatorTest, TypeMismatchWordings) {
  auto put = [](const char* value) {
    return ValidationText("PutFunctionConcurrency",
                          WithBody({{"FunctionName", "fn"}},
                                   (std::string(R"({"ReservedConcurrentExecutions": )") + value +
                                    "}")
                                       .c_str()));
  };
  EXPECT_EQ(put("true"), "<type mismatch: TRUE_VALUE can not be converted to an Integer>");
  EXPECT_EQ(put("1.5"), "<type mismatch: DECIMAL_VALUE can not be converted to an Integer>");
  EXPECT_EQ(put("4294967296"), "<type mismatch: NUMBER_VALUE can not be converted to an Integer>");
  EXPECT_EQ(put("[1]"), "<type mismatch: Start of list found where not expected>");
  EXPECT_EQ(put("{}"),
            "<type mismatch: Start of structure or map found where not expected.>");
  EXPECT_EQ(ValidationText("PutFunctionConcurrency", WithBody({{"FunctionName", "fn"}}, "[]")),
            "<type mismatch: Start of list found where not expected>");
  Call call{{{"FunctionName", "fn"}}, {{"List", "ALL"}, {"MaxItems", "ten"}}, {}, {}};
  EXPECT_EQ(ValidationText("ListProvisionedConcurrencyConfigs", call),
            "<type mismatch: STRING_VALUE can not be converted to an Integer>");
}

// Found while writing the fuzz targets: epoch seconds a Timestamp cannot hold reached the handlers'
// int64 conversion (undefined behaviour: GetMetricData with StartTime 1e300 aborted the sanitized
// server); the deserializer refuses them.
TEST(ShapeValidatorTest, TimestampOutOfRangeIsATypeMismatch) {
  const ServiceModel& model = CloudWatchModel();
  const Operation* op = model.FindOperation("GetMetricStatistics");
  ASSERT_NE(op, nullptr);
  auto validate = [&](const char* start) {
    const boost::json::value body = boost::json::parse(
        std::string(R"({"Namespace": "AWS/Lambda", "MetricName": "Throttles", "Period": 60,
                        "Statistics": ["Sum"], "EndTime": 1700003600, "StartTime": )") + start + "}");
    RequestView request;
    request.body = &body;
    std::optional<ValidationFailure> failure = ValidateInput(model, *op, request);
    return failure ? failure->message : std::string("<ok>");
  };
  EXPECT_EQ(validate("1700000000.5"), "<ok>");
  EXPECT_EQ(validate("1e300"), "DECIMAL_VALUE can not be converted to a Date");
  EXPECT_EQ(validate("-99999999999"), "NUMBER_VALUE can not be converted to a Date");
}

TEST(ShapeValidatorTest, TypeMismatchWinsOverEarlierViolations) {
  // The deserializer runs before validation: 'name' breaks its pattern, but the mistyped
  // RoutingConfig is what AWS reports.
  Call call = WithBody({{"FunctionName", "fn"}},
                       R"({"Name": "2024", "FunctionVersion": "1", "RoutingConfig": "x"})");
  EXPECT_EQ(ValidationText("CreateAlias", call), "<type mismatch: Expected null>");
}

// --- Valid requests ---

TEST(ShapeValidatorTest, ValidRequestsPass) {
  Call invoke{{{"FunctionName", "arn:aws:lambda:us-east-1:111111111111:function:fn:live"}},
              {{"Qualifier", "live"}},
              {{"X-Amz-Invocation-Type", "Event"}, {"X-Amz-Log-Type", "Tail"}},
              {}};
  EXPECT_EQ(ValidationText("Invoke", invoke), "<ok>");

  Call put = WithBody({{"FunctionName", "111111111111:function:fn"}},
                      R"({"ProvisionedConcurrentExecutions": 5, "Unmodeled": [1, 2]})");
  put.query = {{"Qualifier", "1"}};
  EXPECT_EQ(ValidationText("PutProvisionedConcurrencyConfig", put), "<ok>");

  Call list{{{"FunctionName", "fn"}}, {{"List", "ALL"}, {"MaxItems", "50"}}, {}, {}};
  EXPECT_EQ(ValidationText("ListProvisionedConcurrencyConfigs", list), "<ok>");

  Call alias = WithBody({{"FunctionName", "fn"}}, R"({"Name": "live", "FunctionVersion": "$LATEST",
      "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.25}}})");
  EXPECT_EQ(ValidationText("CreateAlias", alias), "<ok>");

  EXPECT_EQ(ValidationText("GetAccountSettings", Call{}), "<ok>");
}

}  // namespace
}  // namespace hr::wire
