// The per-qualifier settings the engine keeps beside concurrency: alias routing and
// RevisionIds, event-invoke configs, resource policies, and the account's code usage. The
// messages are AWS's (localstack-snapshots/test_lambda_api.snapshot.json).

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/test_fixture.h"

namespace hr::engine {
namespace {

void ExpectError(const Status& s, ErrorCode code, const std::string& message) {
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_EQ(s.message(), message);
}

class FunctionSettingsTest : public AccountTest {
 protected:
  // f with versions 1 and 2.
  void SetUp() override {
    CreatePublished("f");
    FunctionConfig changed;
    changed.description = "v2";
    ASSERT_TRUE(account().UpdateFunctionConfiguration("f", changed, now()).ok());
    ASSERT_EQ(*account().PublishVersion("f", now()), 2u);
  }
  static AliasChange To(std::string version, std::map<std::string, double> weights = {},
                        std::string revision = "rev-a") {
    AliasChange c;
    c.function_version = std::move(version);
    if (!weights.empty()) c.additional_version_weights = std::move(weights);
    c.revision_id = std::move(revision);
    return c;
  }
  static EventInvokeChange Retries(int n) {
    EventInvokeChange c;
    c.maximum_retry_attempts = n;
    return c;
  }
  static PolicyStatement Allow(std::string sid, std::string principal = "s3.amazonaws.com") {
    PolicyStatement s;
    s.sid = std::move(sid);
    s.action = "lambda:InvokeFunction";
    s.principal = std::move(principal);
    return s;
  }
};

// ---- Aliases ------------------------------------------------------------------------------

TEST_F(FunctionSettingsTest, AliasKeepsDescriptionRoutingAndRevision) {
  AliasChange c = To("1", {{"2", 0.2}});
  c.description = "custom-alias";
  auto created = account().CreateAlias("f", "live", c, now());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->alias_arn, Arn("f:live"));
  EXPECT_EQ(created->function_version, "1");
  EXPECT_EQ(created->description, "custom-alias");
  EXPECT_EQ(created->revision_id, "rev-a");
  ASSERT_TRUE(created->additional_version);
  EXPECT_EQ(created->additional_version->first, 2u);
  EXPECT_DOUBLE_EQ(created->additional_version->second, 0.2);

  // An update that sets only the revision keeps everything else.
  AliasChange touch;
  touch.revision_id = "rev-b";
  auto updated = account().UpdateAlias("f", "live", touch, now());
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->description, "custom-alias");
  EXPECT_TRUE(updated->additional_version);
  EXPECT_EQ(account().GetAlias("f", "live")->revision_id, "rev-b");

  // An empty weight map clears the routing.
  AliasChange clear;
  clear.additional_version_weights.emplace();
  EXPECT_FALSE(account().UpdateAlias("f", "live", clear, now())->additional_version);
}

TEST_F(FunctionSettingsTest, RoutingRulesInAwsOrder) {
  ExpectError(account().CreateAlias("f", "a", To("1", {{"2", 0.1}, {"3", 0.1}}), now()).status(),
              ErrorCode::kInvalidParameter,
              "Number of items in AdditionalVersionWeights cannot be greater than 1");
  ExpectError(account().CreateAlias("f", "a", To("1", {{"1", 0.5}}), now()).status(),
              ErrorCode::kInvalidParameter,
              "Invalid function version 1. Function version 1 is already included in routing "
              "configuration.");
  ExpectError(account().CreateAlias("f", "a", To("10"), now()).status(), ErrorCode::kNotFound,
              "Function not found: " + Arn("f:10"));
  ExpectError(account().CreateAlias("f", "a", To("1", {{"10", 0.5}}), now()).status(),
              ErrorCode::kNotFound, "Function not found: " + Arn("f:10"));
  // Sent without "Type": kConcurrencyLimit's row.
  ExpectError(account().CreateAlias("f", "a", To("$LATEST", {{"1", 0.5}}), now()).status(),
              ErrorCode::kConcurrencyLimit,
              "$LATEST is not supported for an alias pointing to more than 1 version");
  // A missing function is named with the version asked for.
  ExpectError(account().CreateAlias("nope", "a", To("1"), now()).status(), ErrorCode::kNotFound,
              "Function not found: " + Arn("nope:1"));
}

TEST_F(FunctionSettingsTest, AliasNotFoundWordingPerOperation) {
  ExpectError(account().GetAlias("f", "none").status(), ErrorCode::kNotFound,
              "Cannot find alias arn: " + Arn("f:none"));
  ExpectError(account().UpdateAlias("f", "none", To("1"), now()).status(), ErrorCode::kNotFound,
              "Alias not found: " + Arn("f:none"));
  EXPECT_TRUE(account().DeleteAlias("f", "none", now()).ok());
}

TEST_F(FunctionSettingsTest, UpdateAliasChecksRevisionId) {
  ASSERT_TRUE(account().CreateAlias("f", "live", To("1"), now()).ok());
  AliasChange stale = To("2");
  stale.expected_revision_id = "not-it";
  ExpectError(account().UpdateAlias("f", "live", stale, now()).status(),
              ErrorCode::kPreconditionFailed,
              "The Revision Id provided does not match the latest Revision Id. Call the "
              "GetFunction/GetAlias API to retrieve the latest Revision Id");
  stale.expected_revision_id = "rev-a";
  EXPECT_EQ(account().UpdateAlias("f", "live", stale, now())->function_version, "2");
}

TEST_F(FunctionSettingsTest, ListAliasesByNameAndByVersion) {
  ASSERT_TRUE(account().CreateAlias("f", "b", To("1"), now()).ok());
  ASSERT_TRUE(account().CreateAlias("f", "a", To("2"), now()).ok());
  ASSERT_TRUE(account().CreateAlias("f", "c", To("1"), now()).ok());
  auto names = [](const std::vector<AliasView>& v) {
    std::vector<std::string> out;
    for (const auto& a : v) out.push_back(a.name);
    return out;
  };
  EXPECT_EQ(names(*account().ListAliases("f", std::nullopt)),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(names(*account().ListAliases("f", "1")), (std::vector<std::string>{"b", "c"}));
}

// ---- Event-invoke configs -----------------------------------------------------------------

TEST_F(FunctionSettingsTest, EventInvokeConfigPerQualifier) {
  ASSERT_TRUE(account().CreateAlias("f", "live", To("1"), now()).ok());
  auto latest = account().PutFunctionEventInvokeConfig("f", std::nullopt, Retries(0), now());
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(latest->function_arn, Arn("f:$LATEST"));
  EXPECT_EQ(latest->config.maximum_retry_attempts, 0);
  ASSERT_TRUE(account().PutFunctionEventInvokeConfig("f", "live", Retries(1), now()).ok());
  ASSERT_TRUE(account().PutFunctionEventInvokeConfig("f:1", std::nullopt, Retries(2), now()).ok());

  std::vector<std::string> arns;
  const auto listed = account().ListFunctionEventInvokeConfigs("f");
  for (const auto& v : *listed) arns.push_back(v.function_arn);
  EXPECT_EQ(arns, (std::vector<std::string>{Arn("f:$LATEST"), Arn("f:1"), Arn("f:live")}));

  // Put replaces; Update merges.
  EventInvokeChange age;
  age.maximum_event_age_seconds = 60;
  auto put = account().PutFunctionEventInvokeConfig("f", std::nullopt, age, now());
  EXPECT_FALSE(put->config.maximum_retry_attempts);
  auto merged = account().UpdateFunctionEventInvokeConfig("f", std::nullopt, Retries(1), now());
  EXPECT_EQ(merged->config.maximum_retry_attempts, 1);
  EXPECT_EQ(merged->config.maximum_event_age_seconds, 60);

  // Deleting the alias and the version takes their configs along.
  ASSERT_TRUE(account().DeleteAlias("f", "live", now()).ok());
  ASSERT_TRUE(account().DeleteFunction("f", "2", now()).ok());
  ExpectError(account().GetFunctionEventInvokeConfig("f", "live").status(), ErrorCode::kNotFound,
              "The function " + Arn("f:live") + " doesn't have an EventInvokeConfig");
}

TEST_F(FunctionSettingsTest, EventInvokeConfigErrors) {
  ExpectError(account().PutFunctionEventInvokeConfig("nope", std::nullopt, Retries(1), now()).status(),
              ErrorCode::kNotFound, "The function doesn't exist.");
  ExpectError(account().PutFunctionEventInvokeConfig("f", "nope", Retries(1), now()).status(),
              ErrorCode::kNotFound, "The function doesn't exist.");
  ExpectError(account().PutFunctionEventInvokeConfig("f", std::nullopt, {}, now()).status(),
              ErrorCode::kInvalidParameter,
              "You must specify at least one of error handling or destination setting.");
  ExpectError(account().GetFunctionEventInvokeConfig("nope", std::nullopt).status(),
              ErrorCode::kNotFound,
              "The function " + Arn("nope:$LATEST") + " doesn't have an EventInvokeConfig");
  ExpectError(account().DeleteFunctionEventInvokeConfig("f", "1221", now()),
              ErrorCode::kNotFound,
              "The function " + Arn("f:1221") + " doesn't have an EventInvokeConfig");
  ExpectError(account().ListFunctionEventInvokeConfigs("nope").status(), ErrorCode::kNotFound,
              "The function doesn't exist.");
  ExpectError(account().UpdateFunctionEventInvokeConfig("f", std::nullopt, Retries(1), now()).status(),
              ErrorCode::kNotFound,
              "The function " + Arn("f:$LATEST") + " doesn't have an EventInvokeConfig");
}

TEST_F(FunctionSettingsTest, DestinationsAreChecked) {
  Create("other");
  auto with = [](std::string success) {
    EventInvokeChange c;
    c.on_success = std::move(success);
    return c;
  };
  EXPECT_TRUE(account().PutFunctionEventInvokeConfig("f", std::nullopt, with(Arn("other")), now()).ok());
  EXPECT_TRUE(account().PutFunctionEventInvokeConfig(
                          "f", std::nullopt, with("arn:aws:sqs:us-east-1:000000000000:q"), now())
                  .ok());
  EXPECT_TRUE(account().PutFunctionEventInvokeConfig("f", std::nullopt, with(""), now()).ok());
  ExpectError(account().PutFunctionEventInvokeConfig("f", std::nullopt, with(Arn("f")), now()).status(),
              ErrorCode::kInvalidParameter,
              "You can't specify the function as a destination for itself.");
  ExpectError(account().PutFunctionEventInvokeConfig("f", std::nullopt, with(Arn("ghost")), now()).status(),
              ErrorCode::kInvalidParameter, "The destination ARN " + Arn("ghost") + " is invalid.");
  const std::string iam = "arn:aws:iam:us-east-1:000000000000:function:f";
  ExpectError(account().PutFunctionEventInvokeConfig("f", std::nullopt, with(iam), now()).status(),
              ErrorCode::kInvalidParameter,
              "The provided destination config DestinationConfig(onSuccess=OnSuccess(destination=" +
                  iam + "), onFailure=null) is invalid.");
}

// ---- Resource policies --------------------------------------------------------------------

TEST_F(FunctionSettingsTest, PoliciesArePerQualifierAndRenewTheRevision) {
  PolicyChange change{"", "rev-p1"};
  auto added = account().AddPermission("f", std::nullopt, Allow("s3"), change, now());
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->resource, Arn("f"));
  // The policy has a RevisionId of its own; the function's stays.
  EXPECT_NE(account().GetFunctionConfiguration("f", std::nullopt)->config.revision_id, "rev-p1");
  ASSERT_TRUE(account().AddPermission("f", "1", Allow("v1"), {"", "rev-v1"}, now()).ok());
  EXPECT_TRUE(account().AddPermission("f", std::nullopt, Allow("s4"), {"rev-p1", "rev-p2"}, now()).ok());
  ASSERT_TRUE(account().RemovePermission("f", std::nullopt, "s4", {"rev-p2", "rev-p1"}, now()).ok());

  auto policy = account().GetPolicy("f", std::nullopt);
  ASSERT_TRUE(policy.ok());
  ASSERT_EQ(policy->statements.size(), 1u);
  EXPECT_EQ(policy->statements[0].sid, "s3");
  EXPECT_EQ(policy->revision_id, "rev-p1");
  EXPECT_EQ(account().GetPolicy("f", "1")->statements[0].resource, Arn("f:1"));
  ExpectError(account().GetPolicy("f", "2").status(), ErrorCode::kNotFound,
              "The resource you requested does not exist.");

  ExpectError(account().AddPermission("f", std::nullopt, Allow("s3"), {}, now()).status(),
              ErrorCode::kConflict,
              "The statement id (s3) provided already exists. Please provide a new statement id, "
              "or remove the existing statement.");
  ExpectError(account().RemovePermission("f", std::nullopt, "nope", {}, now()),
              ErrorCode::kNotFound, "Statement nope is not found in resource policy.");
  ASSERT_TRUE(account().RemovePermission("f", std::nullopt, "s3", {}, now()).ok());
  ExpectError(account().GetPolicy("f", std::nullopt).status(), ErrorCode::kNotFound,
              "The resource you requested does not exist.");
  ExpectError(account().RemovePermission("f", std::nullopt, "s3", {}, now()), ErrorCode::kNotFound,
              "No policy is associated with the given resource.");
}

TEST_F(FunctionSettingsTest, PolicyErrors) {
  ExpectError(account().AddPermission("f", "$LATEST", Allow("a"), {}, now()).status(),
              ErrorCode::kInvalidParameter, "We currently do not support adding policies for $LATEST.");
  ExpectError(account().AddPermission("nope", std::nullopt, Allow("a"), {}, now()).status(),
              ErrorCode::kNotFound, "Function not found: " + Arn("nope"));
  ExpectError(account().AddPermission("f", "nope", Allow("a"), {}, now()).status(),
              ErrorCode::kNotFound, "Cannot find alias arn: " + Arn("f:nope"));
  ExpectError(account().AddPermission("f", "42", Allow("a"), {}, now()).status(),
              ErrorCode::kNotFound, "Function not found: " + Arn("f:42"));
  ExpectError(account().AddPermission("f", std::nullopt, Allow("a", "not a principal"), {}, now()).status(),
              ErrorCode::kInvalidParameter,
              "The provided principal was invalid. Please check the principal and try again.");
  ExpectError(account().AddPermission("f", std::nullopt, Allow("a"), {"stale", "x"}, now()).status(),
              ErrorCode::kPreconditionFailed,
              "The Revision Id provided does not match the latest Revision Id. Call the "
              "GetPolicy API to retrieve the latest Revision Id");
  ExpectError(account().AddPermission("f", std::nullopt, Allow("a", "invalid.nonaws.com"), {}, now()).status(),
              ErrorCode::kInvalidParameter,
              "The provided principal was invalid. Please check the principal and try again.");
  ExpectError(account().PutFunctionEventInvokeConfig("nope", std::nullopt, {}, now()).status(),
              ErrorCode::kInvalidParameter,
              "You must specify at least one of error handling or destination setting.");
  ExpectError(account().UpdateFunctionEventInvokeConfig("nope", std::nullopt, Retries(0), now()).status(),
              ErrorCode::kNotFound, "The function doesn't exist.");
  ExpectError(account().RemovePermission("nope", std::nullopt, "a", {}, now()), ErrorCode::kNotFound,
              "No policy found for: " + Arn("nope"));
  for (const char* principal : {"*", "123456789012", "arn:aws:iam::123456789012:root",
                                "lambda.alarms.cloudwatch.amazonaws.com"}) {
    EXPECT_TRUE(account().AddPermission("f", std::nullopt, Allow(principal, principal), {}, now()).ok())
        << principal;
  }
}

TEST_F(FunctionSettingsTest, DeletingTheFunctionForgetsItsSettings) {
  ASSERT_TRUE(account().PutFunctionEventInvokeConfig("f", std::nullopt, Retries(1), now()).ok());
  ASSERT_TRUE(account().AddPermission("f", std::nullopt, Allow("a"), {}, now()).ok());
  ASSERT_TRUE(account().DeleteFunction("f", std::nullopt, now()).ok());
  CreatePublished("f");
  EXPECT_FALSE(account().GetFunctionEventInvokeConfig("f", std::nullopt).ok());
  EXPECT_FALSE(account().GetPolicy("f", std::nullopt).ok());
}

// ---- Code usage ---------------------------------------------------------------------------

TEST_F(AccountTest, TotalCodeSizeCountsEveryLiveVersion) {
  FunctionConfig c;
  c.code_size = 276;
  ASSERT_TRUE(account().CreateFunction("f", now(), c).ok());
  EXPECT_EQ(account().TotalCodeSize(), 276);
  ASSERT_EQ(*account().PublishVersion("f", now()), 1u);
  EXPECT_EQ(account().TotalCodeSize(), 552);
  ASSERT_TRUE(account().DeleteFunction("f", "1", now()).ok());
  EXPECT_EQ(account().TotalCodeSize(), 276);
  ASSERT_TRUE(account().DeleteFunction("f", std::nullopt, now()).ok());
  EXPECT_EQ(account().TotalCodeSize(), 0);
}

TEST_F(AccountTest, PublishVersionChecksRevisionId) {
  FunctionConfig c;
  c.revision_id = "rev-1";
  ASSERT_TRUE(account().CreateFunction("f", now(), c).ok());
  PublishVersionOptions stale;
  stale.expected_revision_id = "rev-0";
  EXPECT_EQ(account().PublishVersion("f", now(), stale).status().code(),
            ErrorCode::kPreconditionFailed);
  stale.expected_revision_id = "rev-1";
  EXPECT_TRUE(account().PublishVersion("f", now(), stale).ok());
}

}  // namespace
}  // namespace hr::engine
