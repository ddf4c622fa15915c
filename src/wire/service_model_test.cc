#include "wire/service_model.h"

#include <vector>

#include <gtest/gtest.h>

namespace hr::wire {
namespace {

TEST(ServiceModelTest, LambdaConcurrencyRoutes) {
  const ServiceModel& lambda = LambdaModel();
  EXPECT_EQ(lambda.name, "lambda");
  EXPECT_EQ(lambda.protocol, "rest-json");

  const Operation* put = lambda.FindOperation("PutProvisionedConcurrencyConfig");
  ASSERT_NE(put, nullptr);
  EXPECT_EQ(put->method, "PUT");
  EXPECT_EQ(put->request_uri, "/2019-09-30/functions/{FunctionName}/provisioned-concurrency");
  EXPECT_EQ(put->success_code, 202);

  const Operation* list = lambda.FindOperation("ListProvisionedConcurrencyConfigs");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->request_uri,
            "/2019-09-30/functions/{FunctionName}/provisioned-concurrency?List=ALL");

  const Operation* concurrency = lambda.FindOperation("DeleteFunctionConcurrency");
  ASSERT_NE(concurrency, nullptr);
  EXPECT_EQ(concurrency->success_code, 204);

  // The overlay's correction: AWS answers DeleteFunction with 204 (AWS-recorded).
  ASSERT_NE(lambda.FindOperation("DeleteFunction"), nullptr);
  EXPECT_EQ(lambda.FindOperation("DeleteFunction")->success_code, 204);

  EXPECT_EQ(lambda.FindOperation("NoSuchOperation"), nullptr);
  EXPECT_EQ(lambda.FindOperation(""), nullptr);
}

TEST(ServiceModelTest, OperationsAreSortedByName) {
  for (const ServiceModel* model :
       {&LambdaModel(), &CloudWatchModel(), &ServiceQuotasModel(), &SnsModel()}) {
    ASSERT_FALSE(model->operations.empty()) << model->name;
    for (std::size_t i = 1; i < model->operations.size(); ++i) {
      EXPECT_LT(model->operations[i - 1].name, model->operations[i].name) << model->name;
    }
  }
}

TEST(ServiceModelTest, OtherServicesCarryTheirOperations) {
  EXPECT_NE(CloudWatchModel().FindOperation("PutMetricAlarm"), nullptr);
  EXPECT_NE(CloudWatchModel().FindOperation("GetMetricData"), nullptr);
  EXPECT_NE(ServiceQuotasModel().FindOperation("RequestServiceQuotaIncrease"), nullptr);
  EXPECT_NE(SnsModel().FindOperation("Publish"), nullptr);
}

TEST(ServiceModelTest, MembersComeInValidationOrder) {
  // URI labels last: AWS reports 'qualifier' before 'functionName' (AWS-recorded).
  const ServiceModel& lambda = LambdaModel();
  const Operation* get = lambda.FindOperation("GetFunction");
  ASSERT_NE(get, nullptr);
  std::vector<std::string_view> names;
  std::vector<Location> locations;
  for (const Member& member : lambda.MembersOf(lambda.shape(get->input))) {
    names.push_back(member.path_name);
    locations.push_back(member.location);
  }
  EXPECT_EQ(names, (std::vector<std::string_view>{"qualifier", "functionName"}));
  EXPECT_EQ(locations, (std::vector<Location>{Location::kQuery, Location::kUri}));
}

TEST(ServiceModelTest, WireNamesFollowTheProtocol) {
  const ServiceModel& lambda = LambdaModel();
  const Operation* invoke = lambda.FindOperation("Invoke");
  ASSERT_NE(invoke, nullptr);
  bool saw_header = false;
  bool saw_payload = false;
  for (const Member& member : lambda.MembersOf(lambda.shape(invoke->input))) {
    if (member.path_name == "invocationType") {
      saw_header = true;
      EXPECT_EQ(member.location, Location::kHeader);
      EXPECT_EQ(member.wire_name, "X-Amz-Invocation-Type");
    }
    if (member.path_name == "payload") {
      saw_payload = true;
      EXPECT_EQ(member.location, Location::kPayload);
    }
  }
  EXPECT_TRUE(saw_header);
  EXPECT_TRUE(saw_payload);
}

TEST(ServiceModelTest, EveryPatternCompiles) {
  // std::regex rejects some Java syntax at first use; the generator translates what it must.
  for (const ServiceModel* model :
       {&LambdaModel(), &CloudWatchModel(), &ServiceQuotasModel(), &SnsModel()}) {
    for (const Pattern& pattern : model->patterns) {
      EXPECT_NO_THROW(pattern.FullMatch("x")) << model->name << ": " << pattern.text();
    }
  }
}

const Pattern* FindPattern(const ServiceModel& model, std::string_view text) {
  for (const Pattern& pattern : model.patterns) {
    if (pattern.text() == text) return &pattern;
  }
  return nullptr;
}

TEST(ServiceModelTest, PatternsMatchTheWholeValueAsJavaDoes) {
  const ServiceModel& lambda = LambdaModel();
  const Pattern* alias = FindPattern(lambda, "(?!^[0-9]+$)([a-zA-Z0-9-_]+)");
  ASSERT_NE(alias, nullptr);
  EXPECT_TRUE(alias->FullMatch("live-2024_a"));
  EXPECT_FALSE(alias->FullMatch("2024"));
  // Java reads "9-_" as '9', '-', '_', not as a range from '9' to '_'.
  EXPECT_FALSE(alias->FullMatch("a;b"));
  EXPECT_FALSE(alias->FullMatch("a@b"));

  const Pattern* qualifier = FindPattern(lambda, "(|[a-zA-Z0-9$_-]+)");
  ASSERT_NE(qualifier, nullptr);
  EXPECT_TRUE(qualifier->FullMatch(""));
  EXPECT_TRUE(qualifier->FullMatch("$LATEST"));
  EXPECT_FALSE(qualifier->FullMatch("a b"));
}

TEST(ServiceModelTest, JavaOnlyPatternsAreTranslated) {
  const Pattern* bucket = FindPattern(LambdaModel(), R"([0-9A-Za-z\.\-_]*(?<!\.))");
  ASSERT_NE(bucket, nullptr);
  EXPECT_TRUE(bucket->FullMatch(""));
  EXPECT_TRUE(bucket->FullMatch("my.bucket"));
  EXPECT_FALSE(bucket->FullMatch("my.bucket."));

  const Pattern* tag = FindPattern(ServiceQuotasModel(), R"(^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$)");
  ASSERT_NE(tag, nullptr);
  EXPECT_TRUE(tag->FullMatch("team: a/b=c+d-e@f_1"));
  EXPECT_TRUE(tag->FullMatch("\xc3\xa9quipe"));  // "équipe"
  EXPECT_FALSE(tag->FullMatch("a*b"));
}

}  // namespace
}  // namespace hr::wire
