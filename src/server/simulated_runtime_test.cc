#include "server/simulated_runtime.h"

#include <gtest/gtest.h>

namespace hr::server {
namespace {

TEST(SimulatedRuntimeTest, OnlyTheSimulatedHandlerIsSimulated) {
  auto b = SimulatedBehaviourOf("index.handler", {{"HEADROOM_SIM_DURATION_MS", "junk"}});
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(*b);
}

TEST(SimulatedRuntimeTest, DefaultsAndValues) {
  auto none = SimulatedBehaviourOf("headroom.simulated", {});
  ASSERT_TRUE(none.ok() && *none);
  EXPECT_EQ((*none)->duration, Duration::Nanos(0));
  EXPECT_EQ((*none)->error_rate, 0);
  EXPECT_FALSE((*none)->init_error);

  auto set = SimulatedBehaviourOf("headroom.simulated", {{"HEADROOM_SIM_DURATION_MS", "250"},
                                                         {"HEADROOM_SIM_INIT_MS", "900000"},
                                                         {"HEADROOM_SIM_ERROR_RATE", "0.25"},
                                                         {"HEADROOM_SIM_INIT_ERROR", "true"}});
  ASSERT_TRUE(set.ok() && *set);
  EXPECT_EQ((*set)->duration, Duration::Nanos(250'000'000));
  EXPECT_EQ((*set)->init, Duration::Nanos(900'000'000'000));
  EXPECT_DOUBLE_EQ((*set)->error_rate, 0.25);
  EXPECT_TRUE((*set)->init_error);
}

TEST(SimulatedRuntimeTest, BadValuesNameTheVariable) {
  auto expect = [](const char* name, const char* value, const char* message) {
    auto b = SimulatedBehaviourOf("headroom.simulated", {{name, value}});
    ASSERT_FALSE(b.ok()) << name << "=" << value;
    EXPECT_EQ(b.status().code(), ErrorCode::kInvalidParameter);
    EXPECT_EQ(b.status().message(), message);
  };
  expect("HEADROOM_SIM_DURATION_MS", "-1",
         "HEADROOM_SIM_DURATION_MS must be a whole number of milliseconds from 0 to 900000, not '-1'.");
  expect("HEADROOM_SIM_INIT_MS", "1.5",
         "HEADROOM_SIM_INIT_MS must be a whole number of milliseconds from 0 to 900000, not '1.5'.");
  expect("HEADROOM_SIM_DURATION_MS", "900001",
         "HEADROOM_SIM_DURATION_MS must be a whole number of milliseconds from 0 to 900000, not '900001'.");
  expect("HEADROOM_SIM_ERROR_RATE", "2", "HEADROOM_SIM_ERROR_RATE must be a number from 0 to 1, not '2'.");
  expect("HEADROOM_SIM_ERROR_RATE", "", "HEADROOM_SIM_ERROR_RATE must be a number from 0 to 1, not ''.");
  expect("HEADROOM_SIM_INIT_ERROR", "yes", "HEADROOM_SIM_INIT_ERROR must be true or false, not 'yes'.");
}

}  // namespace
}  // namespace hr::server
