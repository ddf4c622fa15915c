#include "server/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "server/clocks.h"

namespace hr::server {
namespace {

bool WaitFor(const std::atomic<int>& value, int expected) {
  for (int i = 0; i < 500 && value.load() != expected; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return value.load() == expected;
}

TEST(SchedulerTest, RunsTasksWhenTheSteppedClockReachesThem) {
  SteppedClock clock;
  Scheduler scheduler(clock, Duration::Millis(1));
  scheduler.Start();
  std::atomic<int> ran{0};
  scheduler.At(clock.Now() + Duration::Seconds(10), [&] { ran += 1; });
  scheduler.At(clock.Now() + Duration::Seconds(20), [&] { ran += 10; });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(ran.load(), 0);
  clock.Advance(Duration::Seconds(10));
  EXPECT_TRUE(WaitFor(ran, 1));
  clock.Advance(Duration::Seconds(10));
  EXPECT_TRUE(WaitFor(ran, 11));
}

TEST(SchedulerTest, DueTasksRunAtOnceAndMayScheduleMore) {
  SteppedClock clock;
  Scheduler scheduler(clock, Duration::Millis(1));
  scheduler.Start();
  std::atomic<int> ran{0};
  scheduler.At(clock.Now(), [&] {
    ran += 1;
    scheduler.At(clock.Now(), [&] { ran += 1; });
  });
  EXPECT_TRUE(WaitFor(ran, 2));
}

TEST(SchedulerTest, NothingRunsBeforeStart) {
  SteppedClock clock;
  Scheduler scheduler(clock, Duration::Millis(1));
  std::atomic<int> ran{0};
  scheduler.At(clock.Now(), [&] { ran += 1; });  // due at once, as a replayed write's task
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(ran.load(), 0);
  scheduler.Start();
  EXPECT_TRUE(WaitFor(ran, 1));
}

TEST(SchedulerTest, CancelledTasksNeverRunAndCancellingARunTaskIsHarmless) {
  SteppedClock clock;
  Scheduler scheduler(clock, Duration::Millis(1));
  scheduler.Start();
  std::atomic<int> ran{0};
  const Timestamp when = clock.Now() + Duration::Seconds(10);
  const Scheduler::TaskId first = scheduler.At(when, [&] { ran += 1; });
  const Scheduler::TaskId second = scheduler.At(when, [&] { ran += 10; });
  scheduler.Cancel(first);
  clock.Advance(Duration::Seconds(10));
  EXPECT_TRUE(WaitFor(ran, 10));
  scheduler.Cancel(second);
  scheduler.Cancel(first);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(ran.load(), 10);
}

TEST(ClocksTest, MakeClockParsesTheSetting) {
  EXPECT_TRUE(MakeClock("real").ok());
  EXPECT_TRUE(MakeClock("manual").ok());
  EXPECT_TRUE(MakeClock("scaled:60").ok());
  EXPECT_FALSE(MakeClock("scaled:0").ok());
  EXPECT_FALSE(MakeClock("scaled:x").ok());
  EXPECT_FALSE(MakeClock("sundial").ok());
}

TEST(ClocksTest, ScaledClockRunsFaster) {
  ScaledClock clock(1000);
  const Timestamp a = clock.Now();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_GE(clock.Now() - a, Duration::Seconds(4));
}

// A task's captures may schedule more work when they are destroyed (an environment reporting
// that it is gone): that must not happen under the scheduler's lock.
TEST(SchedulerTest, ATaskWhoseCapturesScheduleOnDestructionDoesNotDeadlock) {
  SteppedClock clock;
  Scheduler scheduler(clock, Duration::Millis(1));
  scheduler.Start();
  std::atomic<int> ran{0};
  struct SchedulesWhenDestroyed {
    Scheduler* scheduler = nullptr;
    const Clock* clock = nullptr;
    std::atomic<int>* ran = nullptr;
    ~SchedulesWhenDestroyed() {
      if (scheduler) scheduler->At(clock->Now(), [ran = ran] { *ran += 1; });
    }
  };
  auto capture = std::make_shared<SchedulesWhenDestroyed>();
  capture->clock = &clock;
  capture->ran = &ran;
  capture->scheduler = &scheduler;
  scheduler.At(clock.Now(), [capture] {});
  capture.reset();
  EXPECT_TRUE(WaitFor(ran, 1));
  scheduler.Stop();
  scheduler.Stop();  // idempotent
}

}  // namespace
}  // namespace hr::server
