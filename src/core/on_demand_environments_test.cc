#include "core/on_demand_environments.h"

#include <gtest/gtest.h>

#include <vector>

namespace hr::core {
namespace {

const Timestamp kT0 = Timestamp::Epoch();
const Duration kKeepAlive = Duration::Seconds(300);

TEST(OnDemandEnvironmentsTest, ReusesTheWarmestFirst) {
  OnDemandEnvironments envs;
  envs.PutIdle(1, kT0);
  envs.PutIdle(2, kT0 + Duration::Seconds(1));
  std::vector<EnvironmentId> reclaimed;
  auto rec = [&](EnvironmentId id) { reclaimed.push_back(id); };
  EXPECT_EQ(envs.TakeWarm(kT0 + Duration::Seconds(2), kKeepAlive, rec), 2u);
  EXPECT_EQ(envs.TakeWarm(kT0 + Duration::Seconds(2), kKeepAlive, rec), 1u);
  EXPECT_EQ(envs.TakeWarm(kT0 + Duration::Seconds(2), kKeepAlive, rec), std::nullopt);
  EXPECT_TRUE(reclaimed.empty());
}

TEST(OnDemandEnvironmentsTest, ExpiredAreNeverHandedOut) {
  OnDemandEnvironments envs;
  envs.PutIdle(1, kT0);
  envs.PutIdle(2, kT0);
  std::vector<EnvironmentId> reclaimed;
  auto rec = [&](EnvironmentId id) { reclaimed.push_back(id); };
  EXPECT_EQ(envs.TakeWarm(kT0 + kKeepAlive, kKeepAlive, rec), std::nullopt);
  EXPECT_EQ(reclaimed, (std::vector<EnvironmentId>{1, 2}));
  EXPECT_EQ(envs.idle_count(), 0u);
}

TEST(OnDemandEnvironmentsTest, ReclaimExpiredTakesOnlyTheOld) {
  OnDemandEnvironments envs;
  for (EnvironmentId id = 1; id <= 40; ++id) envs.PutIdle(id, kT0 + Duration::Seconds(id));
  std::vector<EnvironmentId> reclaimed;
  envs.ReclaimExpired(kT0 + kKeepAlive + Duration::Seconds(30), kKeepAlive,
                      [&](EnvironmentId id) { reclaimed.push_back(id); });
  EXPECT_EQ(reclaimed.size(), 30u);
  EXPECT_EQ(reclaimed.front(), 1u);
  EXPECT_EQ(reclaimed.back(), 30u);
  EXPECT_EQ(envs.idle_count(), 10u);
  EXPECT_EQ(envs.TakeWarm(kT0 + kKeepAlive + Duration::Seconds(30), kKeepAlive,
                          [](EnvironmentId) {}),
            40u);
}

}  // namespace
}  // namespace hr::core
