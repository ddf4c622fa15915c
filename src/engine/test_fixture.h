#pragma once
// AccountTest: a GoogleTest fixture with one engine, one account in us-east-1 and a manual
// clock, plus helpers that create functions and READY provisioned configs. Tests only.

#include <gtest/gtest.h>

#include <string>

#include "base/clock.h"
#include "engine/engine.h"

namespace hr::engine {

class AccountTest : public ::testing::Test {
 protected:
  static constexpr const char* kAccount = "000000000000";
  static constexpr const char* kRegion = "us-east-1";

  explicit AccountTest(core::Tunables tunables = {}) : engine_(tunables) {}

  Account& account() { return engine_.AccountFor(kAccount, kRegion, clock_.Now()); }
  Timestamp now() const { return clock_.Now(); }

  void Create(const std::string& name) {
    ASSERT_TRUE(account().CreateFunction(name, now()).ok()) << name;
  }
  // Creates `name` and publishes version 1.
  void CreatePublished(const std::string& name) {
    Create(name);
    ASSERT_EQ(*account().PublishVersion(name, now()), 1u);
  }
  void PutReserved(const std::string& name, int rc) {
    auto s = account().PutFunctionConcurrency(name, rc, now());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
  }
  // Puts PC on `qualifier` and completes its provisioning successfully.
  void PutProvisionedReady(const std::string& name, const std::string& qualifier, int pc) {
    auto v = account().PutProvisionedConcurrencyConfig(name, qualifier, pc, now());
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    ASSERT_TRUE(account().CompleteProvisioning(v->ticket, true, "", now()).ok());
  }
  core::AdmissionDecision Invoke(const std::string& name, const std::string& qualifier = "") {
    auto target = account().ResolveInvokeTarget(
        name, qualifier.empty() ? std::nullopt : std::optional<std::string_view>(qualifier));
    EXPECT_TRUE(target.ok()) << target.status().ToString();
    return account().Admit(*target, /*synchronous=*/true, now());
  }
  std::string Arn(const std::string& rest) {
    return std::string("arn:aws:lambda:us-east-1:000000000000:function:") + rest;
  }

  ManualClock clock_;
  Engine engine_;
};

}  // namespace hr::engine
