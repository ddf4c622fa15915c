#include "base/function_ref.h"

#include <gtest/gtest.h>

namespace hr {
namespace {

using Shape = FunctionNameShape;

const std::string kFnPattern =
    R"((arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?)";
const std::string kNsPattern =
    R"((arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?)";

TEST(FunctionRefTest, BareName) {
  auto ref = ParseFunctionRef("my-function", Shape::kFunctionName);
  ASSERT_TRUE(ref.ok()) << ref.status().ToString();
  EXPECT_EQ(ref->name, "my-function");
  EXPECT_FALSE(ref->qualifier);
  EXPECT_TRUE(ref->is_bare_name);
}

TEST(FunctionRefTest, NameWithQualifier) {
  auto ref = ParseFunctionRef("my-function:live", Shape::kFunctionName);
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->name, "my-function");
  EXPECT_EQ(*ref->qualifier, "live");
  auto latest = ParseFunctionRef("my-function:$LATEST", Shape::kFunctionName);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(*latest->qualifier, "$LATEST");
}

TEST(FunctionRefTest, PartialArn) {
  auto ref = ParseFunctionRef("123456789012:function:my-function", Shape::kFunctionName);
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->name, "my-function");
  EXPECT_EQ(*ref->account, "123456789012");
  EXPECT_FALSE(ref->region);
  EXPECT_FALSE(ref->is_bare_name);
}

TEST(FunctionRefTest, FullArnQualified) {
  auto ref = ParseFunctionRef("arn:aws:lambda:us-west-2:123456789012:function:my-function:7",
                              Shape::kNamespacedFunctionName);
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->name, "my-function");
  EXPECT_EQ(*ref->region, "us-west-2");
  EXPECT_EQ(*ref->account, "123456789012");
  EXPECT_EQ(*ref->qualifier, "7");
}

TEST(FunctionRefTest, GovAndIsoRegions) {
  EXPECT_TRUE(ParseFunctionRef("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f",
                               Shape::kFunctionName).ok());
  EXPECT_TRUE(ParseFunctionRef("arn:aws-iso-b:lambda:us-isob-east-1:123456789012:function:f",
                               Shape::kFunctionName).ok());
}

TEST(FunctionRefTest, WordsThatLookLikePrefixesAreNames) {
  auto fn = ParseFunctionRef("function", Shape::kFunctionName);
  ASSERT_TRUE(fn.ok());
  EXPECT_EQ(fn->name, "function");
  auto digits = ParseFunctionRef("123456789012", Shape::kFunctionName);
  ASSERT_TRUE(digits.ok());
  EXPECT_EQ(digits->name, "123456789012");
}

// AWS-recorded: test_function_arns[long_function_name_exc].
TEST(FunctionRefTest, BareNameOver64IsInvalidParameter) {
  std::string name(65, 'a');
  auto ref = ParseFunctionRef(name, Shape::kFunctionName);
  ASSERT_FALSE(ref.ok());
  EXPECT_EQ(ref.status().code(), ErrorCode::kInvalidParameter);
  EXPECT_EQ(ref.status().message(),
            "1 validation error detected: Value '" + name +
                "' at 'functionName' failed to satisfy constraint: Member must have length less "
                "than or equal to 64");
  EXPECT_TRUE(ParseFunctionRef(std::string(64, 'a'), Shape::kFunctionName).ok());
  // In the Namespaced shape it parses, and then names no function (AWS-recorded,
  // function_name_too_long-get_function: ResourceNotFoundException).
  EXPECT_TRUE(ParseFunctionRef(name, Shape::kNamespacedFunctionName).ok());
}

// AWS-recorded: test_function_arns[long_function_arn_exc].
TEST(FunctionRefTest, FullArnOver140IsValidation) {
  std::string arn = "arn:aws:lambda:us-east-1:111111111111:function:" + std::string(94, 'b');
  ASSERT_EQ(arn.size(), 141u);
  auto ref = ParseFunctionRef(arn, Shape::kFunctionName);
  ASSERT_FALSE(ref.ok());
  EXPECT_EQ(ref.status().code(), ErrorCode::kValidation);
  EXPECT_EQ(ref.status().message(),
            "1 validation error detected: Value '" + arn +
                "' at 'functionName' failed to satisfy constraint: Member must have length less "
                "than or equal to 140");
  // A full ARN may name a function longer than 64 characters' worth of ARN.
  std::string ok_arn = "arn:aws:lambda:us-east-1:111111111111:function:" + std::string(93, 'b');
  EXPECT_TRUE(ParseFunctionRef(ok_arn, Shape::kFunctionName).ok());
}

// AWS-recorded: test_function_arns[invalid_function_name_exc].
TEST(FunctionRefTest, PatternMismatchNamesTheShapePattern) {
  auto ref = ParseFunctionRef("invalid:function:name", Shape::kFunctionName);
  ASSERT_FALSE(ref.ok());
  EXPECT_EQ(ref.status().code(), ErrorCode::kValidation);
  EXPECT_EQ(ref.status().message(),
            "1 validation error detected: Value 'invalid:function:name' at 'functionName' failed "
            "to satisfy constraint: Member must satisfy regular expression pattern: " +
                kFnPattern);
}

// AWS-recorded: test_function_name_and_qualifier_validation, Namespaced shape.
TEST(FunctionRefTest, NamespacedPatternCases) {
  for (std::string bad : {"*", "my-function!", "function:my-function:$LATEST:extra",
                          "arn:aws:lambda::111111111111:function:my-function",
                          "arn:aws:lambda:us-east-1::function:my-function",
                          "arn:aws:lambda:us-east-1:111111111111:function:my-function:$LATES"}) {
    auto ref = ParseFunctionRef(bad, Shape::kNamespacedFunctionName);
    ASSERT_FALSE(ref.ok()) << bad;
    EXPECT_EQ(ref.status().message(),
              "1 validation error detected: Value '" + bad +
                  "' at 'functionName' failed to satisfy constraint: Member must satisfy regular "
                  "expression pattern: " + kNsPattern)
        << bad;
  }
  // '.' is allowed in namespaced names, and $LATEST.PUBLISHED as a qualifier.
  EXPECT_TRUE(ParseFunctionRef("my.function:$LATEST.PUBLISHED", Shape::kNamespacedFunctionName).ok());
  EXPECT_FALSE(ParseFunctionRef("my.function", Shape::kFunctionName).ok());
}

TEST(FunctionRefTest, TwoErrorsAreCountedAndJoined) {
  std::string bad = std::string(141, 'x') + "!";
  auto ref = ParseFunctionRef(bad, Shape::kFunctionName);
  ASSERT_FALSE(ref.ok());
  EXPECT_EQ(ref.status().message(),
            "2 validation errors detected: Value '" + bad +
                "' at 'functionName' failed to satisfy constraint: Member must have length less "
                "than or equal to 140; Value '" + bad +
                "' at 'functionName' failed to satisfy constraint: Member must satisfy regular "
                "expression pattern: " + kFnPattern);
}

TEST(FunctionRefTest, ScopeOtherRegionIsNotFound) {
  auto ref = ParseFunctionRef("arn:aws:lambda:ap-southeast-1:000000000000:function:f",
                              Shape::kFunctionName);
  ASSERT_TRUE(ref.ok());
  Status s = CheckFunctionRefScope(*ref, "000000000000", "us-east-1", std::nullopt);
  EXPECT_EQ(s.code(), ErrorCode::kNotFound);
  EXPECT_EQ(s.message(),
            "Functions from 'ap-southeast-1' are not reachable in this region ('us-east-1')");
}

TEST(FunctionRefTest, ScopeOtherAccountIsAccessDenied) {
  auto ref = ParseFunctionRef("111111111111:function:f", Shape::kFunctionName);
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(CheckFunctionRefScope(*ref, "000000000000", "us-east-1", std::nullopt).code(),
            ErrorCode::kAccessDenied);
}

TEST(FunctionRefTest, ScopeQualifierParameter) {
  auto ref = ParseFunctionRef("f:1", Shape::kNamespacedFunctionName);
  ASSERT_TRUE(ref.ok());
  Status s = CheckFunctionRefScope(*ref, "a", "r", std::string_view("2"));
  EXPECT_EQ(s.code(), ErrorCode::kInvalidParameter);
  EXPECT_EQ(s.message(),
            "The derived qualifier from the function name does not match the specified qualifier.");
  auto same = ParseFunctionRef("f:1", Shape::kNamespacedFunctionName);
  EXPECT_TRUE(CheckFunctionRefScope(*same, "a", "r", std::string_view("1")).ok());
  auto bare = ParseFunctionRef("f", Shape::kNamespacedFunctionName);
  ASSERT_TRUE(CheckFunctionRefScope(*bare, "a", "r", std::string_view("live")).ok());
  EXPECT_EQ(*bare->qualifier, "live");
}

TEST(FunctionRefTest, Arn) {
  EXPECT_EQ(FunctionArn("us-east-1", "000000000000", "f"),
            "arn:aws:lambda:us-east-1:000000000000:function:f");
  EXPECT_EQ(FunctionArn("us-east-1", "000000000000", "f", "$LATEST"),
            "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST");
}

}  // namespace
}  // namespace hr
