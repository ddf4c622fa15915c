// The function configuration the engine holds per version: create, read back by every
// name form, publish snapshots, publish-only-if-changed, configuration and code updates,
// listings and not-found messages.

#include "engine/function_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/test_fixture.h"

namespace hr::engine {
namespace {

using core::StartKind;

FunctionConfig SampleConfig() {
  FunctionConfig c;
  c.runtime = "python3.12";
  c.handler = "index.handler";
  c.role = "arn:aws:iam::000000000000:role/lambda-role";
  c.description = "first";
  c.memory_size = 256;
  c.timeout = 30;
  c.environment = {{"STAGE", "test"}};
  c.code_sha256 = "sha-A";
  c.code_size = 1234;
  c.code_key = "code/f/A.zip";
  c.revision_id = "rev-1";
  return c;
}

class FunctionConfigTest : public AccountTest {
 protected:
  void CreateWith(const std::string& name, FunctionConfig config = SampleConfig()) {
    auto h = account().CreateFunction(name, now(), std::move(config));
    ASSERT_TRUE(h.ok()) << h.status().ToString();
  }
  FunctionConfigView Get(const std::string& name,
                         std::optional<std::string_view> qualifier = std::nullopt) {
    auto v = account().GetFunctionConfiguration(name, qualifier);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : FunctionConfigView{};
  }
  std::uint32_t Publish(const std::string& name, PublishVersionOptions options = {}) {
    auto n = account().PublishVersion(name, now(), options);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : 0;
  }
  static PublishVersionOptions OnlyIfChanged() {
    PublishVersionOptions o;
    o.only_if_changed = true;
    return o;
  }
  std::vector<std::string> Arns(const std::vector<FunctionConfigView>& views) {
    std::vector<std::string> out;
    for (const auto& v : views) out.push_back(v.function_arn);
    return out;
  }
};

TEST_F(FunctionConfigTest, DefaultsAreAwsDefaults) {
  FunctionConfig c;
  EXPECT_EQ(c.memory_size, 128);
  EXPECT_EQ(c.timeout, 3);
  EXPECT_EQ(c.architectures, std::vector<std::string>{"x86_64"});
  EXPECT_EQ(c.ephemeral_storage_mb, 512);
  EXPECT_EQ(c.package_type, "Zip");
  EXPECT_EQ(c, FunctionConfig{});
  FunctionConfig d;
  d.environment["A"] = "1";
  EXPECT_NE(c, d);
}

TEST_F(FunctionConfigTest, CreateStoresConfigOnLatestAndStampsTimes) {
  clock_.Advance(Duration::Seconds(5));
  CreateWith("f");
  FunctionConfigView v = Get("f");
  FunctionConfig expected = SampleConfig();
  expected.last_modified = now();
  EXPECT_EQ(v.config, expected);
  EXPECT_EQ(v.function_name, "f");
  EXPECT_EQ(v.version, "$LATEST");
  EXPECT_EQ(v.version_number, 0u);
  EXPECT_FALSE(v.alias.has_value());
  EXPECT_EQ(v.created_at, now());
  EXPECT_EQ(v.function_arn, Arn("f"));  // unqualified request: unqualified FunctionArn
  EXPECT_EQ(v.unqualified_arn, Arn("f"));
  EXPECT_EQ(v.qualified_arn, Arn("f:$LATEST"));
}

TEST_F(FunctionConfigTest, CreateWithoutConfigKeepsTheOldSignatureWorking) {
  Create("f");
  FunctionConfig expected;
  expected.last_modified = now();
  EXPECT_EQ(Get("f").config, expected);
}

TEST_F(FunctionConfigTest, ReadBackByEveryNameForm) {
  CreateWith("f");
  ASSERT_EQ(Publish("f"), 1u);
  ASSERT_TRUE(account().CreateAlias("f", "live", "1", now()).ok());

  // Explicit $LATEST: qualified FunctionArn (`get_function_latest_result`).
  EXPECT_EQ(Get("f", "$LATEST").function_arn, Arn("f:$LATEST"));
  EXPECT_EQ(Get("f:$LATEST").function_arn, Arn("f:$LATEST"));
  EXPECT_EQ(Get(Arn("f")).function_arn, Arn("f"));
  EXPECT_EQ(Get("000000000000:function:f").function_arn, Arn("f"));

  for (const std::string& input : {std::string("f:1"), Arn("f:1")}) {
    FunctionConfigView v = Get(input);
    EXPECT_EQ(v.version, "1") << input;
    EXPECT_EQ(v.version_number, 1u);
    EXPECT_EQ(v.function_arn, Arn("f:1"));
    EXPECT_EQ(v.qualified_arn, Arn("f:1"));
    EXPECT_EQ(v.unqualified_arn, Arn("f"));
    EXPECT_EQ(v.config.code_sha256, "sha-A");
  }
  EXPECT_EQ(Get("f", "1").function_arn, Arn("f:1"));

  // Alias: FunctionArn qualified with the alias, Version the alias's version
  // (`get_function_alias_1_1`).
  for (const std::string& input : {std::string("f:live"), Arn("f:live")}) {
    FunctionConfigView v = Get(input);
    EXPECT_EQ(v.function_arn, Arn("f:live")) << input;
    EXPECT_EQ(v.version, "1");
    EXPECT_EQ(v.alias, std::optional<std::string>("live"));
    EXPECT_EQ(v.qualified_arn, Arn("f:1"));
  }
  FunctionConfigView via_param = Get("f", "live");
  EXPECT_EQ(via_param.function_arn, Arn("f:live"));
}

TEST_F(FunctionConfigTest, AliasOnLatestReadsLatest) {
  CreateWith("f");
  ASSERT_TRUE(account().CreateAlias("f", "dev", "$LATEST", now()).ok());
  FunctionConfigView v = Get("f", "dev");
  EXPECT_EQ(v.version, "$LATEST");
  EXPECT_EQ(v.function_arn, Arn("f:dev"));
  EXPECT_EQ(v.config.description, "first");
}

TEST_F(FunctionConfigTest, NotFoundMessagesMatchResolveInvokeTarget) {
  CreateWith("f");
  ASSERT_EQ(Publish("f"), 1u);
  struct Case {
    std::string input;
    std::optional<std::string> qualifier;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"nope", std::nullopt, "Function not found: " + Arn("nope")},
      {"nope", "$LATEST", "Function not found: " + Arn("nope:$LATEST")},
      {"f", "2", "Function not found: " + Arn("f:2")},
      {"f:0", std::nullopt, "Function not found: " + Arn("f:0")},
      {"f", "gone", "Function not found: " + Arn("f:gone")},
  };
  for (const Case& c : cases) {
    std::optional<std::string_view> q;
    if (c.qualifier) q = *c.qualifier;
    auto got = account().GetFunctionConfiguration(c.input, q);
    ASSERT_FALSE(got.ok()) << c.input;
    EXPECT_EQ(got.status().code(), ErrorCode::kNotFound) << c.input;
    EXPECT_EQ(got.status().message(), c.message) << c.input;
    auto resolved = account().ResolveInvokeTarget(c.input, q);
    EXPECT_EQ(resolved.status().message(), got.status().message()) << c.input;
  }
  // A qualifier disagreeing with the name's is rejected as for Invoke.
  auto mismatch = account().GetFunctionConfiguration("f:1", "$LATEST");
  EXPECT_EQ(mismatch.status().code(), ErrorCode::kInvalidParameter);

  // A deleted version is gone.
  ASSERT_TRUE(account().DeleteFunction("f", "1", now()).ok());
  EXPECT_EQ(account().GetFunctionConfiguration("f", "1").status().message(),
            "Function not found: " + Arn("f:1"));
  EXPECT_EQ(account().ListVersions("nope").status().message(),
            "Function not found: " + Arn("nope"));
  EXPECT_EQ(account().UpdateFunctionConfiguration("nope", SampleConfig(), now()).code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(account().UpdateFunctionConfiguration("f:1", SampleConfig(), now()).code(),
            ErrorCode::kInvalidParameter);
  EXPECT_EQ(account().UpdateFunctionCode("nope", FunctionCodeUpdate{}, now()).code(),
            ErrorCode::kNotFound);
}

TEST_F(FunctionConfigTest, PublishedVersionIsASnapshot) {
  CreateWith("f");
  clock_.Advance(Duration::Seconds(10));
  const Timestamp published_at = now();
  PublishVersionOptions options;
  options.revision_id = "rev-v1";
  options.latest_revision_id = "rev-2";
  ASSERT_EQ(Publish("f", options), 1u);

  FunctionConfigView v1 = Get("f", "1");
  EXPECT_EQ(v1.config.revision_id, "rev-v1");
  EXPECT_EQ(v1.config.last_modified, published_at);
  EXPECT_EQ(v1.config.memory_size, 256);
  EXPECT_EQ(Get("f").config.revision_id, "rev-2");  // publishing renews $LATEST's revision

  clock_.Advance(Duration::Seconds(10));
  FunctionConfig changed = SampleConfig();
  changed.description = "second";
  changed.memory_size = 1024;
  changed.environment = {{"STAGE", "prod"}};
  changed.revision_id = "rev-3";
  ASSERT_TRUE(account().UpdateFunctionConfiguration("f", changed, now()).ok());
  FunctionCodeUpdate code{"sha-B", 99, "code/f/B.zip", "rev-4"};
  ASSERT_TRUE(account().UpdateFunctionCode("f", code, now()).ok());

  FunctionConfigView after = Get("f", "1");
  EXPECT_EQ(after.config, v1.config);  // untouched by later updates of $LATEST
  EXPECT_EQ(Get("f").config.memory_size, 1024);
  EXPECT_EQ(Get("f").config.code_sha256, "sha-B");

  ASSERT_EQ(Publish("f"), 2u);
  FunctionConfigView v2 = Get("f", "2");
  EXPECT_EQ(v2.config.code_sha256, "sha-B");
  EXPECT_EQ(v2.config.description, "second");
  EXPECT_EQ(v2.config.revision_id, "rev-4");  // defaults: $LATEST's, copied
  EXPECT_EQ(Get("f").config.revision_id, "rev-4");
}

TEST_F(FunctionConfigTest, PublishDescriptionAppliesToTheVersionOnly) {
  CreateWith("f");
  PublishVersionOptions options;
  options.description = "release notes";
  ASSERT_EQ(Publish("f", options), 1u);
  EXPECT_EQ(Get("f", "1").config.description, "release notes");
  EXPECT_EQ(Get("f").config.description, "first");
  // Nothing changed in $LATEST: the description override is not a change.
  EXPECT_EQ(Publish("f", OnlyIfChanged()), 1u);
}

TEST_F(FunctionConfigTest, PublishOnlyIfChangedReturnsTheSameVersionUntilSomethingChanges) {
  CreateWith("f");
  EXPECT_EQ(Publish("f", OnlyIfChanged()), 1u);  // no version yet: publishes
  const FunctionConfig v1 = Get("f", "1").config;
  clock_.Advance(Duration::Seconds(1));
  PublishVersionOptions again = OnlyIfChanged();
  again.revision_id = "ignored";
  again.latest_revision_id = "ignored";
  EXPECT_EQ(Publish("f", again), 1u);
  EXPECT_EQ(Publish("f", again), 1u);
  EXPECT_EQ(Get("f", "1").config, v1);                   // nothing republished
  EXPECT_EQ(Get("f").config.revision_id, "rev-1");       // nor renewed
  EXPECT_EQ(account().GetFunction("f")->versions, std::vector<std::uint32_t>{1});

  // Same code re-uploaded under another key and revision: still unchanged.
  ASSERT_TRUE(account()
                  .UpdateFunctionCode("f", FunctionCodeUpdate{"sha-A", 1234, "code/f/A2.zip", "r"},
                                      now())
                  .ok());
  EXPECT_EQ(Publish("f", OnlyIfChanged()), 1u);

  // New code: a new version.
  ASSERT_TRUE(account()
                  .UpdateFunctionCode("f", FunctionCodeUpdate{"sha-B", 10, "code/f/B.zip", "r2"},
                                      now())
                  .ok());
  EXPECT_EQ(Publish("f", OnlyIfChanged()), 2u);
  EXPECT_EQ(Publish("f", OnlyIfChanged()), 2u);

  // New configuration: a new version.
  FunctionConfig c = Get("f").config;
  c.timeout = 60;
  ASSERT_TRUE(account().UpdateFunctionConfiguration("f", c, now()).ok());
  EXPECT_EQ(Publish("f", OnlyIfChanged()), 3u);
  EXPECT_EQ(Publish("f", OnlyIfChanged()), 3u);

  // Without the option, publishing always makes a version (the model's behaviour).
  EXPECT_EQ(Publish("f"), 4u);

  // The newest live version counts: once it is deleted, version 3 is the newest and has
  // the same content; numbers are never reused.
  ASSERT_TRUE(account().DeleteFunction("f", "4", now()).ok());
  EXPECT_EQ(Publish("f", OnlyIfChanged()), 3u);
  ASSERT_TRUE(account().DeleteFunction("f", "3", now()).ok());
  EXPECT_EQ(Publish("f", OnlyIfChanged()), 5u);  // version 2 had timeout 30
}

TEST_F(FunctionConfigTest, UpdateConfigurationKeepsCodeAndStampsTime) {
  CreateWith("f");
  clock_.Advance(Duration::Minutes(1));
  FunctionConfig next;  // code fields empty, package type other: must be ignored
  next.runtime = "nodejs20.x";
  next.handler = "app.main";
  next.role = "arn:aws:iam::000000000000:role/other";
  next.architectures = {"arm64"};
  next.ephemeral_storage_mb = 1024;
  next.package_type = "Image";
  next.revision_id = "rev-2";
  next.last_modified = Timestamp::FromUnixSeconds(12345);
  ASSERT_TRUE(account().UpdateFunctionConfiguration("f", next, now()).ok());

  FunctionConfig expected = next;
  expected.code_sha256 = "sha-A";
  expected.code_size = 1234;
  expected.code_key = "code/f/A.zip";
  expected.package_type = "Zip";
  expected.last_modified = now();
  EXPECT_EQ(Get("f").config, expected);
}

TEST_F(FunctionConfigTest, UpdateConfigurationRetiresWarmEnvironments) {
  CreateWith("f");
  auto first = Invoke("f");
  account().Release(first.grant, now());
  auto warm = Invoke("f");
  EXPECT_EQ(warm.grant.start, StartKind::kWarm);
  account().Release(warm.grant, now());
  ASSERT_TRUE(account().UpdateFunctionConfiguration("f", SampleConfig(), now()).ok());
  EXPECT_EQ(Invoke("f").grant.start, StartKind::kCold);
}

TEST_F(FunctionConfigTest, UpdateCodeChangesShaAndRetiresWarmEnvironments) {
  CreateWith("f");
  ASSERT_EQ(Publish("f"), 1u);
  auto warm = Invoke("f");
  account().Release(warm.grant, now());
  auto v1 = Invoke("f", "1");
  account().Release(v1.grant, now());

  clock_.Advance(Duration::Seconds(3));
  ASSERT_TRUE(account()
                  .UpdateFunctionCode("f", FunctionCodeUpdate{"sha-B", 77, "code/f/B.zip", "rev-9"},
                                      now())
                  .ok());
  FunctionConfig latest = Get("f").config;
  EXPECT_EQ(latest.code_sha256, "sha-B");
  EXPECT_EQ(latest.code_size, 77);
  EXPECT_EQ(latest.code_key, "code/f/B.zip");
  EXPECT_EQ(latest.revision_id, "rev-9");
  EXPECT_EQ(latest.last_modified, now());
  EXPECT_EQ(latest.handler, "index.handler");  // the rest is kept
  EXPECT_EQ(latest.environment, (std::map<std::string, std::string>{{"STAGE", "test"}}));
  EXPECT_EQ(Get("f", "1").config.code_sha256, "sha-A");

  EXPECT_EQ(Invoke("f").grant.start, StartKind::kCold);      // $LATEST: new code
  EXPECT_EQ(Invoke("f", "1").grant.start, StartKind::kWarm);  // version 1: unaffected

  // The model's form leaves the configuration as it is.
  const FunctionConfig before = Get("f").config;
  ASSERT_TRUE(account().UpdateFunctionCode("f", now()).ok());
  EXPECT_EQ(Get("f").config, before);
}

TEST_F(FunctionConfigTest, ListVersionsLatestFirstThenAscending) {
  CreateWith("f");
  for (int i = 0; i < 3; ++i) Publish("f");
  ASSERT_TRUE(account().DeleteFunction("f", "2", now()).ok());
  auto versions = account().ListVersions("f");
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(Arns(*versions),
            (std::vector<std::string>{Arn("f:$LATEST"), Arn("f:1"), Arn("f:3")}));
  std::vector<std::string> numbers;
  for (const auto& v : *versions) numbers.push_back(v.version);
  EXPECT_EQ(numbers, (std::vector<std::string>{"$LATEST", "1", "3"}));
  EXPECT_EQ(account().ListVersions(Arn("f"))->size(), 3u);
  EXPECT_EQ(account().ListVersions("f:1").status().code(), ErrorCode::kInvalidParameter);
}

TEST_F(FunctionConfigTest, ListFunctionsIsByNameAndOptionallyAllVersions) {
  EXPECT_TRUE(account().ListFunctions(false).empty());
  CreateWith("zeta");
  CreateWith("Alpha");
  CreateWith("beta");
  ASSERT_EQ(Publish("beta"), 1u);
  CreateWith("gone");
  ASSERT_TRUE(account().DeleteFunction("gone", std::nullopt, now()).ok());

  auto latest = account().ListFunctions(false);
  EXPECT_EQ(Arns(latest), (std::vector<std::string>{Arn("Alpha"), Arn("beta"), Arn("zeta")}));
  for (const auto& v : latest) EXPECT_EQ(v.version, "$LATEST");

  auto all = account().ListFunctions(true);
  EXPECT_EQ(Arns(all), (std::vector<std::string>{Arn("Alpha:$LATEST"), Arn("beta:$LATEST"),
                                                 Arn("beta:1"), Arn("zeta:$LATEST")}));
  EXPECT_EQ(all[2].version, "1");
  EXPECT_EQ(all[2].config.code_sha256, "sha-A");
}

TEST_F(FunctionConfigTest, RecreatedFunctionStartsFresh) {
  CreateWith("f");
  ASSERT_EQ(Publish("f"), 1u);
  ASSERT_TRUE(account().DeleteFunction("f", std::nullopt, now()).ok());
  clock_.Advance(Duration::Seconds(7));
  FunctionConfig other;
  other.handler = "new.handler";
  ASSERT_TRUE(account().CreateFunction("f", now(), other).ok());
  FunctionConfigView v = Get("f");
  EXPECT_EQ(v.config.handler, "new.handler");
  EXPECT_EQ(v.created_at, now());
  EXPECT_EQ(account().ListVersions("f")->size(), 1u);
  EXPECT_EQ(Publish("f", OnlyIfChanged()), 1u);  // numbering restarts with the function
}

}  // namespace
}  // namespace hr::engine
