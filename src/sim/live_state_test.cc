#include "sim/live_state.h"

#include <gtest/gtest.h>

namespace hr::sim {
namespace {

constexpr const char* kState = R"({"now":"x","accounts":[{"account":"123456789012","region":"us-east-1",
  "limit":1000,"unreserved_minimum":100,"allocated":900,"functions":[
  {"name":"A","reserved":400,"timeout":3,"provisioned":[]},
  {"name":"C","reserved":null,"timeout":3,"provisioned":[{"qualifier":"live","requested":100}]},
  {"name":"D","reserved":null,"timeout":30,"provisioned":[]}]}]})";

TEST(LiveState, TheLiveConfigurationWithTheFilesTraffic) {
  auto w = ParseWorkload(R"(
functions:
  - name: D
    reserved: 5
    traffic: {poisson: {rate: 3}}
  - name: New
    traffic: {poisson: {rate: 1}}
)", "w.yaml");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(ApplyLiveState(kState, *w).ok());
  EXPECT_EQ(w->account_id, "123456789012");
  EXPECT_EQ(w->limit, 1000);
  EXPECT_EQ(w->unreserved_minimum, 100);
  ASSERT_EQ(w->functions.size(), 4u);
  EXPECT_EQ(w->functions[0].name, "D");
  EXPECT_FALSE(w->functions[0].reserved);  // the live setting wins
  EXPECT_EQ(w->functions[0].traffic.size(), 1u);
  EXPECT_EQ(w->functions[0].timeout, Duration::Seconds(30));
  EXPECT_EQ(w->functions[1].name, "New");
  EXPECT_EQ(w->functions[2].name, "A");
  EXPECT_EQ(w->functions[2].reserved, 400);
  EXPECT_EQ(w->functions[3].name, "C");
  ASSERT_EQ(w->functions[3].provisioned.size(), 1u);
  EXPECT_EQ(w->functions[3].provisioned[0].qualifier, "live");
  EXPECT_EQ(w->functions[3].provisioned[0].count, 100);
}

TEST(LiveState, Errors) {
  Workload w;
  EXPECT_EQ(ApplyLiveState("nope", w).message().rfind("--from: the state is not JSON", 0), 0u);
  EXPECT_EQ(ApplyLiveState(R"({"accounts":[]})", w).message(),
            "--from: the state has no account 000000000000/us-east-1 (it has none)");
  w.account_id = "999999999999";
  w.account_named = true;
  EXPECT_EQ(ApplyLiveState(kState, w).message(),
            "--from: the state has no account 999999999999/us-east-1 (it has 123456789012/us-east-1)");
  w.account_named = false;
  EXPECT_EQ(ApplyLiveState(R"({"accounts":[{"account":"1","region":"r"}]})", w).message(),
            "--from: the state's account has no \"functions\" list (the server predates --from)");
}

}  // namespace
}  // namespace hr::sim
