// One small test per validation rule of spec §1.3, §1.4 and §2, with AWS's exact messages.

#include <gtest/gtest.h>

#include "engine/test_fixture.h"

namespace hr::engine {
namespace {

using core::ProvisionedStatus;

core::Tunables MinimumTen() {
  core::Tunables t;
  t.unreserved_minimum = 10;
  return t;
}

// A small account like the AWS-recorded limit tests (LocalStack used C=12, M=10).
class SmallAccountTest : public AccountTest {
 protected:
  SmallAccountTest() : AccountTest(MinimumTen()) {}
  void SetUp() override { account().SetConcurrencyLimit(12, now()); }
};

void ExpectError(const Status& s, ErrorCode code, const std::string& message) {
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_EQ(s.message(), message);
}

// ---- PutFunctionConcurrency --------------------------------------------------------------

TEST_F(AccountTest, PutRcOnMissingFunctionNamesLatest) {
  auto r = account().PutFunctionConcurrency("doesnotexist", 1, now());
  ExpectError(r.status(), ErrorCode::kNotFound,
              "Function not found: " + Arn("doesnotexist:$LATEST"));
  // Existence is checked before the value.
  ExpectError(account().PutFunctionConcurrency("doesnotexist", 0, now()).status(),
              ErrorCode::kNotFound, "Function not found: " + Arn("doesnotexist:$LATEST"));
}

TEST_F(AccountTest, PutRcOnQualifiedNameOrArnIsRejected) {
  Create("f");
  const std::string msg =
      "This operation is permitted on Lambda functions only. Aliases and versions do not support "
      "this operation. Please specify either a function name or an unqualified function ARN.";
  ExpectError(account().PutFunctionConcurrency(Arn("f:$LATEST"), 0, now()).status(),
              ErrorCode::kInvalidParameter, msg);
  ExpectError(account().PutFunctionConcurrency("f:1", 0, now()).status(),
              ErrorCode::kInvalidParameter, msg);
}

TEST_F(AccountTest, PutRcNegativeIsValidation) {
  Create("f");
  ExpectError(account().PutFunctionConcurrency("f", -1, now()).status(), ErrorCode::kValidation,
              "1 validation error detected: Value '-1' at 'reservedConcurrentExecutions' failed to "
              "satisfy constraint: Member must have value greater than or equal to 0");
}

TEST_F(AccountTest, PutRcBelowUnreservedMinimum) {
  Create("f");
  const std::string msg =
      "Specified ReservedConcurrentExecutions for function decreases account's "
      "UnreservedConcurrentExecution below its minimum value of [100].";
  // RC above the limit has no message of its own.
  ExpectError(account().PutFunctionConcurrency("f", 1001, now()).status(),
              ErrorCode::kConcurrencyLimit, msg);
  ExpectError(account().PutFunctionConcurrency("f", 901, now()).status(),
              ErrorCode::kConcurrencyLimit, msg);
  EXPECT_EQ(*account().PutFunctionConcurrency("f", 900, now()), 900);
}

TEST_F(AccountTest, PutRcAddsTheFunctionsOwnOldRcBack) {
  Create("f");
  PutReserved("f", 900);
  // Replacing 900 with 850 must not count the old 900 against the minimum.
  EXPECT_EQ(*account().PutFunctionConcurrency("f", 850, now()), 850);
  EXPECT_EQ(account().Pool().unreserved, 150);
}

TEST_F(AccountTest, PutRcZeroAlwaysFits) {
  Create("f");
  Create("g");
  PutReserved("g", 900);
  EXPECT_EQ(*account().PutFunctionConcurrency("f", 0, now()), 0);
}

TEST_F(AccountTest, MinimumFollowsSmallLimits) {
  account().SetConcurrencyLimit(10, now());
  Create("f");
  ExpectError(account().PutFunctionConcurrency("f", 1, now()).status(), ErrorCode::kConcurrencyLimit,
              "Specified ReservedConcurrentExecutions for function decreases account's "
              "UnreservedConcurrentExecution below its minimum value of [10].");
}

TEST_F(SmallAccountTest, RcLowerThanTotalPc) {
  CreatePublished("f");
  PutProvisionedReady("f", "1", 2);
  ExpectError(account().PutFunctionConcurrency("f", 1, now()).status(), ErrorCode::kConcurrencyLimit,
              " ReservedConcurrentExecutions  1 should not be lower than function's total "
              "provisioned concurrency [2].");
  EXPECT_EQ(*account().PutFunctionConcurrency("f", 2, now()), 2);
}

TEST_F(AccountTest, GetAndDeleteRc) {
  Create("f");
  EXPECT_EQ(*account().GetFunctionConcurrency("f"), std::nullopt);
  PutReserved("f", 3);
  EXPECT_EQ(*account().GetFunctionConcurrency("f"), 3);
  EXPECT_TRUE(account().DeleteFunctionConcurrency("f", now()).ok());
  EXPECT_EQ(*account().GetFunctionConcurrency("f"), std::nullopt);
  ExpectError(account().GetFunctionConcurrency("nope").status(), ErrorCode::kNotFound,
              "Function not found: " + Arn("nope"));
}

// ---- PutProvisionedConcurrencyConfig ------------------------------------------------------

TEST_F(AccountTest, PcZeroIsValidation) {
  CreatePublished("f");
  ExpectError(account().PutProvisionedConcurrencyConfig("f", "1", 0, now()).status(),
              ErrorCode::kValidation,
              "1 validation error detected: Value '0' at 'provisionedConcurrentExecutions' failed "
              "to satisfy constraint: Member must have value greater than or equal to 1");
}

TEST_F(AccountTest, PcOnLatest) {
  CreatePublished("f");
  ExpectError(account().PutProvisionedConcurrencyConfig("f", "$LATEST", 1, now()).status(),
              ErrorCode::kInvalidParameter,
              "Provisioned Concurrency Configs cannot be applied to unpublished function versions.");
  const std::string get_msg = "The function resource provided must be an alias or a published version.";
  ExpectError(account().GetProvisionedConcurrencyConfig("f", "$LATEST").status(),
              ErrorCode::kInvalidParameter, get_msg);
  ExpectError(account().DeleteProvisionedConcurrencyConfig("f", "$LATEST", now()),
              ErrorCode::kInvalidParameter, get_msg);
}

TEST_F(AccountTest, PcMissingVersionAliasOrFunction) {
  CreatePublished("f");
  ExpectError(account().PutProvisionedConcurrencyConfig("f", "10", 1, now()).status(),
              ErrorCode::kNotFound, "Function not found: " + Arn("f:10"));
  ExpectError(account().PutProvisionedConcurrencyConfig("f", "noalias", 1, now()).status(),
              ErrorCode::kNotFound, "Cannot find alias arn: " + Arn("f:noalias"));
  ExpectError(account().PutProvisionedConcurrencyConfig("doesnotexist", "1", 1, now()).status(),
              ErrorCode::kNotFound, "Function not found: " + Arn("doesnotexist:1"));
  ExpectError(account().GetProvisionedConcurrencyConfig("doesnotexist", "noalias").status(),
              ErrorCode::kNotFound, "Cannot find alias arn: " + Arn("doesnotexist:noalias"));
  ExpectError(account().DeleteProvisionedConcurrencyConfig("f", "10", now()),
              ErrorCode::kNotFound, "Function not found: " + Arn("f:10"));
  ExpectError(account().ListProvisionedConcurrencyConfigs("doesnotexist").status(),
              ErrorCode::kNotFound, "Function not found: " + Arn("doesnotexist"));
}

TEST_F(AccountTest, PcGetWithoutConfigAndIdempotentDelete) {
  CreatePublished("f");
  ExpectError(account().GetProvisionedConcurrencyConfig("f", "1").status(),
              ErrorCode::kProvisionedConfigNotFound,
              "No Provisioned Concurrency Config found for this function");
  EXPECT_TRUE(account().DeleteProvisionedConcurrencyConfig("f", "1", now()).ok());
  EXPECT_TRUE(account().ListProvisionedConcurrencyConfigs("f")->empty());
}

TEST_F(AccountTest, PcAboveAccountUnreserved) {
  CreatePublished("f");
  ExpectError(account().PutProvisionedConcurrencyConfig("f", "1", 1001, now()).status(),
              ErrorCode::kConcurrencyLimit,
              "Specified ConcurrentExecutions for function is greater than account's unreserved "
              "concurrency [1000].");
}

TEST_F(AccountTest, PcBelowUnreservedMinimum) {
  CreatePublished("f");
  ExpectError(account().PutProvisionedConcurrencyConfig("f", "1", 1000, now()).status(),
              ErrorCode::kConcurrencyLimit,
              "Specified ConcurrentExecutions for function decreases account's "
              "UnreservedConcurrentExecution below its minimum value of [100].");
  EXPECT_TRUE(account().PutProvisionedConcurrencyConfig("f", "1", 900, now()).ok());
}

TEST_F(SmallAccountTest, PcAboveRc) {
  CreatePublished("f");
  PutProvisionedReady("f", "1", 2);
  PutReserved("f", 2);
  ASSERT_TRUE(account().PublishVersion("f", now()).ok());
  const std::string msg =
      "Requested Provisioned Concurrency should not be greater than the "
      "reservedConcurrentExecution for function";
  ExpectError(account().PutProvisionedConcurrencyConfig("f", "2", 1, now()).status(),
              ErrorCode::kInvalidParameter, msg);
  // Raising an existing config replaces its own old value: 3 > 2.
  ExpectError(account().PutProvisionedConcurrencyConfig("f", "1", 3, now()).status(),
              ErrorCode::kInvalidParameter, msg);
  EXPECT_TRUE(account().PutProvisionedConcurrencyConfig("f", "1", 2, now()).ok());
}

TEST_F(SmallAccountTest, AliasVersionConflictsBothWays) {
  CreatePublished("f");
  ASSERT_TRUE(account().CreateAlias("f", "live", "1", now()).ok());
  PutProvisionedReady("f", "1", 1);
  ExpectError(account().PutProvisionedConcurrencyConfig("f", "live", 1, now()).status(),
              ErrorCode::kConflict,
              "Alias can't be used for Provisioned Concurrency configuration on an already "
              "Provisioned version");
  ASSERT_TRUE(account().DeleteProvisionedConcurrencyConfig("f", "1", now()).ok());
  ASSERT_TRUE(account().PutProvisionedConcurrencyConfig("f", "live", 1, now()).ok());
  ExpectError(account().PutProvisionedConcurrencyConfig("f", "1", 1, now()).status(),
              ErrorCode::kConflict, "Version is pointed by a Provisioned Concurrency alias");
  // Two aliases can't provision the same version.
  ASSERT_TRUE(account().CreateAlias("f", "other", "1", now()).ok());
  ExpectError(account().PutProvisionedConcurrencyConfig("f", "other", 1, now()).status(),
              ErrorCode::kConflict,
              "Alias can't be used for Provisioned Concurrency configuration on an already "
              "Provisioned version");
}

TEST_F(SmallAccountTest, PcLifecycleInProgressThenReady) {
  CreatePublished("f");
  auto put = account().PutProvisionedConcurrencyConfig("f", "1", 2, now());
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->status, ProvisionedStatus::kInProgress);
  EXPECT_EQ(put->requested, 2);
  EXPECT_EQ(put->allocated, 0);
  EXPECT_EQ(put->available, 0);
  EXPECT_EQ(put->environments.size(), 2u);
  EXPECT_EQ(put->function_arn, Arn("f:1"));
  clock_.Advance(Duration::Seconds(2));
  ASSERT_TRUE(account().CompleteProvisioning(put->ticket, true, "", now()).ok());
  auto got = account().GetProvisionedConcurrencyConfig("f", "1");
  EXPECT_EQ(got->status, ProvisionedStatus::kReady);
  EXPECT_EQ(got->allocated, 2);
  EXPECT_EQ(got->available, 2);
  EXPECT_EQ(got->last_modified, now());
  // A ticket is good for one report only.
  EXPECT_EQ(account().CompleteProvisioning(put->ticket, true, "", now()).code(), ErrorCode::kNotFound);
}

TEST_F(SmallAccountTest, PcInitFailure) {
  CreatePublished("f");
  auto put = account().PutProvisionedConcurrencyConfig("f", "1", 1, now());
  ASSERT_TRUE(account().CompleteProvisioning(put->ticket, false, "FUNCTION_ERROR_INIT_FAILURE", now()).ok());
  auto got = account().GetProvisionedConcurrencyConfig("f", "1");
  EXPECT_EQ(got->status, ProvisionedStatus::kFailed);
  EXPECT_EQ(got->status_reason, "FUNCTION_ERROR_INIT_FAILURE");
  EXPECT_EQ(got->allocated, 0);
  // Nothing is scheduled onto a FAILED config.
  EXPECT_EQ(Invoke("f", "1").grant.start, core::StartKind::kCold);
}

TEST_F(SmallAccountTest, DeletingAnAliasDeletesItsConfig) {
  CreatePublished("f");
  ASSERT_TRUE(account().CreateAlias("f", "live", "1", now()).ok());
  PutProvisionedReady("f", "live", 1);
  ASSERT_TRUE(account().DeleteAlias("f", "live", now()).ok());
  ExpectError(account().GetProvisionedConcurrencyConfig("f", "live").status(), ErrorCode::kNotFound,
              "Cannot find alias arn: " + Arn("f:live"));
  EXPECT_TRUE(account().ListProvisionedConcurrencyConfigs("f")->empty());
  EXPECT_EQ(account().Pool().allocated, 0);
}

TEST_F(SmallAccountTest, MovingAnAliasMovesItsPc) {
  CreatePublished("f");
  ASSERT_TRUE(account().PublishVersion("f", now()).ok());
  ASSERT_TRUE(account().CreateAlias("f", "live", "1", now()).ok());
  PutProvisionedReady("f", "live", 1);
  EXPECT_EQ(Invoke("f", "1").grant.start, core::StartKind::kProvisioned);
  ASSERT_TRUE(account().UpdateAlias("f", "live", "2", now()).ok());
  auto moved = account().GetProvisionedConcurrencyConfig("f", "live");
  EXPECT_EQ(moved->status, ProvisionedStatus::kInProgress);
  EXPECT_EQ(moved->version, 2u);
  ASSERT_TRUE(account().CompleteProvisioning(moved->ticket, true, "", now()).ok());
  EXPECT_EQ(Invoke("f", "2").grant.start, core::StartKind::kProvisioned);
  EXPECT_NE(Invoke("f", "1").grant.start, core::StartKind::kProvisioned);
  EXPECT_EQ(account().Pool().allocated, 1);
  // The version now served by the alias can't take its own config.
  ExpectError(account().PutProvisionedConcurrencyConfig("f", "2", 1, now()).status(),
              ErrorCode::kConflict, "Version is pointed by a Provisioned Concurrency alias");
}

TEST_F(SmallAccountTest, DerivedQualifierMustMatch) {
  CreatePublished("f");
  ExpectError(account().GetProvisionedConcurrencyConfig("f:2", "1").status(),
              ErrorCode::kInvalidParameter,
              "The derived qualifier from the function name does not match the specified qualifier.");
}

// ---- Names, ARNs and Regions ----------------------------------------------------------------

TEST_F(AccountTest, NameFormsReachTheSameFunction) {
  Create("my-function");
  PutReserved("my-function", 5);
  EXPECT_EQ(*account().GetFunctionConcurrency(Arn("my-function")), 5);
  EXPECT_EQ(*account().GetFunctionConcurrency("000000000000:function:my-function"), 5);
  EXPECT_EQ(*account().GetFunctionConcurrency("us-east-1:000000000000:function:my-function"), 5);
}

TEST_F(AccountTest, ArnFromAnotherRegion) {
  Create("f");
  ExpectError(account().GetFunctionConcurrency("arn:aws:lambda:eu-west-1:000000000000:function:f").status(),
              ErrorCode::kNotFound,
              "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')");
}

TEST_F(AccountTest, NameLengthLimits) {
  EXPECT_EQ(account().CreateFunction(std::string(65, 'a'), now()).status().code(),
            ErrorCode::kInvalidParameter);
  EXPECT_EQ(account().CreateFunction(Arn(std::string(94, 'a')), now()).status().code(),
            ErrorCode::kValidation);
}

// ---- Functions, versions, aliases ----------------------------------------------------------

TEST_F(AccountTest, DuplicateFunction) {
  Create("f");
  ExpectError(account().CreateFunction("f", now()).status(), ErrorCode::kConflict,
              "Function already exist: f");
}

TEST_F(AccountTest, DuplicateAliasAndMissingVersion) {
  CreatePublished("f");
  ASSERT_TRUE(account().CreateAlias("f", "live", "1", now()).ok());
  ExpectError(account().CreateAlias("f", "live", "1", now()), ErrorCode::kConflict,
              "Alias already exists: " + Arn("f:live"));
  ExpectError(account().CreateAlias("f", "other", "7", now()), ErrorCode::kNotFound,
              "Function not found: " + Arn("f:7"));
  // UpdateAlias words it differently (AWS-recorded, test_non_existent_alias_update).
  ExpectError(account().UpdateAlias("f", "nope", "1", now()), ErrorCode::kNotFound,
              "Alias not found: " + Arn("f:nope"));
}

TEST_F(AccountTest, DeleteVersionRules) {
  CreatePublished("f");
  ASSERT_TRUE(account().CreateAlias("f", "live", "1", now()).ok());
  ExpectError(account().DeleteFunction("f", "$LATEST", now()), ErrorCode::kInvalidParameter,
              "$LATEST version cannot be deleted without deleting the function.");
  ExpectError(account().DeleteFunction("f", "live", now()), ErrorCode::kInvalidParameter,
              "Deletion of aliases is not currently supported.");
  ExpectError(account().DeleteFunction("f", "1", now()), ErrorCode::kConflict,
              "Unable to delete version because the following aliases reference it: [live]");
  EXPECT_TRUE(account().DeleteFunction("f", "99", now()).ok());
  ASSERT_TRUE(account().DeleteAlias("f", "live", now()).ok());
  EXPECT_TRUE(account().DeleteFunction("f", "1", now()).ok());
  EXPECT_TRUE(account().GetFunction("f")->versions.empty());
  ExpectError(account().DeleteFunction("nope", std::nullopt, now()), ErrorCode::kNotFound,
              "Function not found: " + Arn("nope"));
}

TEST_F(AccountTest, DeleteFunctionReleasesItsAllocation) {
  CreatePublished("f");
  PutReserved("f", 100);
  Create("g");
  CreatePublished("h");
  PutProvisionedReady("h", "1", 50);
  EXPECT_EQ(account().Pool().allocated, 150);
  ASSERT_TRUE(account().DeleteFunction("f", std::nullopt, now()).ok());
  ASSERT_TRUE(account().DeleteFunction("h", std::nullopt, now()).ok());
  EXPECT_EQ(account().Pool().allocated, 0);
  EXPECT_EQ(account().Pool().function_count, 1);
  EXPECT_EQ(account().GetFunction("f").status().code(), ErrorCode::kNotFound);
  // The name can be used again, from a clean slate.
  Create("f");
  EXPECT_EQ(*account().GetFunctionConcurrency("f"), std::nullopt);
}

TEST_F(AccountTest, InvokeTargetResolution) {
  CreatePublished("f");
  ASSERT_TRUE(account().CreateAlias("f", "live", "1", now()).ok());
  EXPECT_EQ(account().ResolveInvokeTarget("f", std::nullopt)->version, 0u);
  EXPECT_EQ(account().ResolveInvokeTarget("f", std::string_view("live"))->version, 1u);
  EXPECT_EQ(account().ResolveInvokeTarget("f:1", std::nullopt)->version, 1u);
  ExpectError(account().ResolveInvokeTarget("f", std::string_view("nope")).status(),
              ErrorCode::kNotFound, "Function not found: " + Arn("f:nope"));
  ExpectError(account().ResolveInvokeTarget("g", std::nullopt).status(), ErrorCode::kNotFound,
              "Function not found: " + Arn("g"));
}

}  // namespace
}  // namespace hr::engine
