#include "server/work_queue.h"

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <vector>

namespace hr::server {
namespace {

TEST(WorkQueue, RunsTasksInPostOrderOffTheCallersThread) {
  WorkQueue queue;
  std::vector<int> order;
  std::promise<std::thread::id> ran_on;
  for (int i = 0; i < 5; ++i) queue.Post([&order, i] { order.push_back(i); });
  queue.Post([&ran_on] { ran_on.set_value(std::this_thread::get_id()); });
  EXPECT_NE(ran_on.get_future().get(), std::this_thread::get_id());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(WorkQueue, ATaskMayPostAnother) {
  WorkQueue queue;
  std::promise<void> second;
  queue.Post([&] { queue.Post([&] { second.set_value(); }); });
  second.get_future().get();
}

TEST(WorkQueue, StopLetsTheRunningTaskFinishAndDropsTheRest) {
  WorkQueue queue;
  std::promise<void> started, release;
  bool first_finished = false;
  auto second_state = std::make_shared<int>(0);
  std::weak_ptr<int> second_alive = second_state;
  queue.Post([&] {
    started.set_value();
    release.get_future().wait();
    first_finished = true;
  });
  bool second_ran = false;
  queue.Post([&second_ran, state = std::move(second_state)] { second_ran = true; });
  started.get_future().wait();
  std::thread stopper([&] { queue.Stop(); });
  // Once Stop() has begun, Post() drops its task at once; only then may the first task end.
  for (;;) {
    auto probe = std::make_shared<int>(0);
    std::weak_ptr<int> probe_alive = probe;
    queue.Post([probe = std::move(probe)] {});
    if (probe_alive.expired()) break;
    std::this_thread::yield();
  }
  release.set_value();
  stopper.join();
  EXPECT_TRUE(first_finished);
  EXPECT_FALSE(second_ran);
  EXPECT_TRUE(second_alive.expired());  // dropped, not kept
  bool late_ran = false;
  queue.Post([&] { late_ran = true; });
  EXPECT_FALSE(late_ran);
}

}  // namespace
}  // namespace hr::server
