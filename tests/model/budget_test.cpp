// The walk's total budgets and shared long names: what a snapshot holds stays bounded by what the
// target holds, however many tasks share one object.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "aps/walker.hpp"
#include "support/fake_image.hpp"

namespace aps {
namespace {

using test::Fn;

class Budget : public ::testing::TestWithParam<int> {
  protected:
    test::FakeImage img{GetParam()};
    uint64_t list = img.tasks_of(img.add_thread(1000));

    // The walk on one thread or two.
    Result<Snapshot> walk(WalkLimits limits, bool threads = false) {
        WalkInput input = threads ? img.threaded_input() : img.input();
        if (!threads) input.tuning.parallel_from = UINT64_MAX;
        return walk_snapshot(img.memory(), input, limits);
    }
};

// Tasks that share one long name (one str object) hold it once.
TEST_P(Budget, ASharedLongNameIsKeptOnce) {
    const std::string big(20000, 'n');
    for (int i = 0; i < 300; ++i) img.add_task(list, big, {{"f", "/t/p.py", 1}});
    img.add_task(list, std::string(5000, 'o'), {{"f", "/t/p.py", 1}});
    img.add_task(list, "short", {{"f", "/t/p.py", 1}});
    for (bool threads : {false, true}) {
        auto s = walk({}, threads);
        ASSERT_TRUE(s) << s.error().message;
        const auto& tasks = s->interpreters.at(0).threads.at(0).tasks;
        ASSERT_EQ(tasks.size(), 302u);
        EXPECT_EQ(s->long_names.size(), 2u);
        for (int i = 0; i < 300; ++i) {
            EXPECT_TRUE(tasks[i].name.empty());
            EXPECT_EQ(s->name_of(tasks[i]), big);
        }
        EXPECT_EQ(s->name_of(tasks[300]), std::string(5000, 'o'));
        EXPECT_EQ(tasks[301].name, "short");
    }
}

TEST_P(Budget, NamesPastTheStringBudgetStopTheWalk) {
    for (int i = 0; i < 20; ++i)
        img.add_task(list, std::string(1000, 'a' + i), {{"f", "/t/p.py", 1}});
    WalkLimits limits;
    limits.max_total_string_bytes = 10000;
    auto s = walk(limits);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::TooLarge);
    EXPECT_NE(s.error().message.find("more than 10000 bytes of names"), std::string::npos)
        << s.error().message;
}

// One awaited-by set under many tasks (a hostile target): its links count for each task.
TEST_P(Budget, ASetSharedByManyTasksHitsTheAwaiterBudget) {
    const uint64_t hub = img.add_task(list, "hub", {{"h", "/t/p.py", 1}});
    for (int i = 0; i < 40; ++i) img.await(hub, img.add_future());
    const auto& t = img.asyncio().task_object;
    const uint64_t set = img.memory().get<uint64_t>(hub + t.task_awaited_by);
    for (int i = 0; i < 600; ++i) {
        uint64_t task = img.add_task(list, fmt::format("t{}", i), {{"f", "/t/p.py", 1}});
        img.memory().put<uint64_t>(task + t.task_awaited_by, set);
        img.memory().put<uint8_t>(task + t.task_awaited_by_is_set, 1);
    }
    WalkLimits limits;
    limits.max_total_awaiters = 10000;  // 601 tasks x 40 links each pass it
    for (bool threads : {false, true}) {
        auto s = walk(limits, threads);
        ASSERT_FALSE(s);
        EXPECT_EQ(s.error().code, Errc::TooLarge);
        EXPECT_NE(s.error().message.find("more than 10000 awaiter links"), std::string::npos)
            << s.error().message;
    }
    limits.max_total_awaiters = 601 * 40;
    EXPECT_TRUE(walk(limits));
}

TEST_P(Budget, FramesPastTheBudgetStopTheWalk) {
    for (int i = 0; i < 100; ++i) {
        img.add_task(list, fmt::format("t{}", i), {{"a", "/t/p.py", 1}, {"b", "/t/p.py", 2}});
    }
    WalkLimits limits;
    limits.max_total_frames = 150;
    auto s = walk(limits);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::TooLarge);
    limits.max_total_frames = 200;
    EXPECT_TRUE(walk(limits));
}

INSTANTIATE_TEST_SUITE_P(Py, Budget, ::testing::Values(14, 15),
                         [](const auto& info) { return fmt::format("3_{}", info.param); });

}  // namespace
}  // namespace aps
