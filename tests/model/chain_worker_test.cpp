// Tests of the walk's second thread: a walk that hands coroutine chains and awaiters to the chain
// worker gives the same snapshot as a walk on one thread, and fails the same way.
#include "model/chain_worker.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "aps/walker.hpp"
#include "model/torn_read_check.hpp"
#include "model/walk_context.hpp"
#include "model/walker_test_support.hpp"
#include "support/changing_memory.hpp"
#include "support/fake_image.hpp"

namespace aps {
namespace {

using test::Fn;
using test::Name;

// Every field of a snapshot as text, code indices resolved (their order means nothing).
std::string dump(const Snapshot& s) {
    std::string out;
    for (const auto& interp : s.interpreters) {
        out += fmt::format("interpreter {}\n", interp.id);
        for (const auto& thread : interp.threads) {
            out += fmt::format(" thread {}\n", thread.tid);
            for (const auto& task : thread.tasks) {
                out += fmt::format(
                    "  {:#x} {} [{}] marks {} type {}\n", task.id, task.name,
                    test::stack_text(s, task.frames), task.marks,
                    task.coro_type < s.type_names.size() ? s.type_names[task.coro_type] : "-");
                for (const auto& a : s.awaiters_of(task)) {
                    out += fmt::format("   <- {:#x} [{}]\n", a.id, test::stack_text(s, a.frames));
                }
            }
        }
    }
    return out + test::problems_text(s);
}

class ChainWorkerWalk : public ::testing::TestWithParam<int> {
  protected:
    test::FakeImage img{GetParam()};

    // Threads, groups awaiting leaves (one awaiter and sets), futures, async generators and
    // deep chains; more tasks than one batch of the worker.
    void build(int groups) {
        uint64_t t1 = img.add_thread(1000);
        uint64_t t2 = img.add_thread(1001);
        for (int g = 0; g < groups; ++g) {
            uint64_t list = img.tasks_of(g % 3 == 0 ? t2 : t1);
            uint64_t group =
                img.add_task(list, fmt::format("group-{}", g),
                             {{"main", "/t/prog.py", 10}, {"gather", "/t/prog.py", 11}});
            for (int leaf = 0; leaf < 5; ++leaf) {
                std::vector<Fn> chain{{fmt::format("leaf_{}", leaf % 3), "/t/leaf.py", 20 + leaf},
                                      {"sleep", "/usr/lib/asyncio/tasks.py", 725}};
                if (leaf == 4) chain.push_back({"agen", "/t/gen.py", 5, Fn::Via::AsyncGenAsend});
                uint64_t t = img.add_task(list, Name::number(g * 10 + leaf), chain);
                img.await(t, group);
                if (leaf == 3) {
                    img.await(t, img.add_future());
                    img.add_dummy_awaiter(t);
                }
            }
        }
        img.add_task(img.exited_tasks(img.main_interpreter()), "orphan", {{"o", "/t/o.py", 1}});
    }

    Result<Snapshot> walk_with(bool threads) {
        WalkInput input = threads ? img.threaded_input() : img.input();
        if (!threads) input.tuning.parallel_from = UINT64_MAX;
        return walk_snapshot(img.memory(), input);
    }

    // Both walks give the same snapshot, with one problem: `part` of the task `bad`.
    void expect_same_problem_naming(uint64_t bad, Problem::Part part) {
        auto one = walk_with(false);
        auto two = walk_with(true);
        ASSERT_TRUE(one) << one.error().message;
        ASSERT_TRUE(two) << two.error().message;
        EXPECT_EQ(dump(*two), dump(*one));
        ASSERT_EQ(two->problems.size(), 1u) << test::problems_text(*two);
        EXPECT_EQ(two->problems[0].task, bad);
        EXPECT_EQ(two->problems[0].part, part);
    }
};

TEST_P(ChainWorkerWalk, TwoThreadsReadWhatOneThreadReads) {
    build(300);  // 1,801 tasks
    uint64_t before = img.memory().reads();
    auto one = walk_with(false);
    ASSERT_TRUE(one) << one.error().message;
    uint64_t one_reads = img.memory().reads() - before;

    before = img.memory().reads();
    auto two = walk_with(true);
    ASSERT_TRUE(two) << two.error().message;
    uint64_t two_reads = img.memory().reads() - before;

    EXPECT_EQ(dump(*two), dump(*one));
    // The worker reads through its own reader, which this memory does not count: proof that it
    // did the chains.
    EXPECT_LT(two_reads, one_reads / 2);
}

TEST_P(ChainWorkerWalk, NoSecondReaderMeansOneThread) {
    build(10);
    WalkInput input = img.input();
    input.tuning.parallel_from = 1;  // no second reader: the walk reads everything itself
    uint64_t before = img.memory().reads();
    auto s = walk_snapshot(img.memory(), input);
    ASSERT_TRUE(s) << s.error().message;
    uint64_t with_limit = img.memory().reads() - before;
    before = img.memory().reads();
    auto again = walk_with(false);
    ASSERT_TRUE(again);
    EXPECT_EQ(img.memory().reads() - before, with_limit);
    EXPECT_EQ(dump(*s), dump(*again));
}

// The second thread costs a reader, a thread and its stack: a walk starts it only when a task
// list reaches parallel_from tasks, so that a small target (the usual `aps ps` on a service) is
// read on one thread from start to end.
TEST_P(ChainWorkerWalk, NoListReachingParallelFromStartsNoThread) {
    build(40);  // 241 tasks in all, in three lists
    int readers = 0;
    WalkInput input = img.threaded_input(512);
    input.second_reader = [this, &readers] {
        ++readers;
        return img.memory().another();
    };
    auto s = walk_snapshot(img.memory(), input);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(readers, 0);
    auto one = walk_with(false);
    ASSERT_TRUE(one) << one.error().message;
    EXPECT_EQ(dump(*s), dump(*one));
}

// Started by the first list that reaches parallel_from tasks, however late, once for the walk;
// the snapshot is the one-thread walk's.
TEST_P(ChainWorkerWalk, TheFirstLongListStartsTheThreadOnce) {
    build(10);  // small lists first
    for (uint64_t tid : {1010, 1011}) {
        uint64_t list = img.tasks_of(img.add_thread(tid));
        for (int i = 0; i < 700; ++i) {
            img.add_task(list, Name::number(i), {{"f", "/t/p.py", 1}, {"g", "/t/p.py", 2}});
        }
    }
    int readers = 0;
    WalkInput input = img.threaded_input(512);
    input.second_reader = [this, &readers] {
        ++readers;
        return img.memory().another();
    };
    uint64_t before = img.memory().reads();
    auto s = walk_snapshot(img.memory(), input);
    ASSERT_TRUE(s) << s.error().message;
    const uint64_t two_reads = img.memory().reads() - before;
    EXPECT_EQ(readers, 1);
    before = img.memory().reads();
    auto one = walk_with(false);
    ASSERT_TRUE(one) << one.error().message;
    EXPECT_EQ(dump(*s), dump(*one));
    EXPECT_LT(two_reads, img.memory().reads() - before);  // the worker read some chains
}

// A chain that cannot be read on either thread (the task is still linked: it is not a task
// leaving its list) is that task's problem, on both paths alike; the others are read.
TEST_P(ChainWorkerWalk, UnreadableChainIsItsTasksProblemOnBothPaths) {
    build(40);
    uint64_t list = img.tasks_of(img.add_thread(1002));
    img.add_task(list, "good", {{"f", "/t/p.py", 1}});  // the first task of a list is read inline
    uint64_t bad = img.add_task(list, "bad", {{"f", "/t/p.py", 1}});
    img.memory().unmap(img.coroutines(bad)[0]);
    expect_same_problem_naming(bad, Problem::Part::Stack);
}

// Past the first take of the worker's results (every 1,024 tasks), a problem is still its task's.
TEST_P(ChainWorkerWalk, UnreadableChainLateInALongList) {
    uint64_t list = img.tasks_of(img.add_thread(1004));
    uint64_t bad = 0;
    for (int i = 0; i < 1500; ++i) {
        uint64_t t =
            img.add_task(list, Name::number(i), {{"f", "/t/p.py", 1}, {"g", "/t/p.py", 2}});
        if (i == 1300) bad = t;
    }
    img.memory().unmap(img.coroutines(bad)[1]);
    expect_same_problem_naming(bad, Problem::Part::Stack);
}

TEST_P(ChainWorkerWalk, GarbageAwaitedBySetIsItsTasksProblemOnTheWorkerToo) {
    build(40);
    uint64_t list = img.tasks_of(img.add_thread(1003));
    uint64_t parent = img.add_task(list, "p", {{"fp", "/t/p.py", 1}});
    uint64_t child = img.add_task(list, "c", {{"fc", "/t/p.py", 2}});
    img.await(child, parent);
    img.await(child, img.add_future());  // now a set
    const auto& t = img.asyncio().task_object;
    uint64_t set = img.memory().get<uint64_t>(child + t.task_awaited_by);
    img.memory().put<int64_t>(set + img.offsets().set_object.mask, int64_t{1} << 40);
    expect_same_problem_naming(child, Problem::Part::Awaiters);
}

// A name changed under the walk late in a long list, while the worker reads the chains, is caught
// by the torn-read check as it is on one thread. Checks of 256 tasks go to the worker while it
// has room, else the walk's thread makes them: which one checks a given task depends on timing
// (the next test covers the worker's side alone), and either way the walk fails the same.
TEST_P(ChainWorkerWalk, NameChangedLateInALongListIsTornOnBothPaths) {
    uint64_t list = img.tasks_of(img.add_thread(1005));
    std::vector<uint64_t> tasks;
    for (int i = 0; i < 1500; ++i) {
        tasks.push_back(img.add_task(list, fmt::format("task-{}", i), {{"f", "/t/p.py", 1}}));
    }
    for (int index : {900, 1100}) {
        const uint64_t late = tasks[index];
        const uint64_t name =
            img.memory().get<uint64_t>(late + img.asyncio().task_object.task_name);
        const uint64_t data = name + img.offsets().unicode_object.asciiobject_size;
        for (bool threads : {false, true}) {
            test::ChangingMemory changing(img.memory());
            changing.after_read_of(data, [&] { img.memory().put<uint8_t>(data, 'x'); });
            WalkInput input = threads ? img.threaded_input() : img.input();
            if (!threads) input.tuning.parallel_from = UINT64_MAX;
            auto s = walk_snapshot(changing, input);
            img.memory().put<uint8_t>(data, 't');
            EXPECT_TRUE(changing.changed());
            ASSERT_FALSE(s) << "task " << index << ", threads: " << threads;
            EXPECT_EQ(s.error().code, Errc::CorruptData);
            EXPECT_NE(
                s.error().message.find(fmt::format("task {:#x} finished or was renamed", late)),
                std::string::npos)
                << s.error().message;
        }
    }
}

// The worker's side of a check handed to it (deterministic, unlike which thread gets which check
// in a walk): bytes recorded for a task, changed since, fail the check it verifies.
TEST_P(ChainWorkerWalk, CheckHandedToTheWorkerFindsATornName) {
    uint64_t list = img.tasks_of(img.add_thread(1006));
    const uint64_t task = img.add_task(list, "renamed-later", {{"f", "/t/p.py", 1}});
    const uint64_t name = img.memory().get<uint64_t>(task + img.asyncio().task_object.task_name);
    const uint64_t data = name + img.offsets().unicode_object.asciiobject_size;
    img.memory().share_with_threads();
    Snapshot snapshot;
    WalkLimits limits;
    model::WalkContext ctx(img.memory(), img.offsets(), img.asyncio(), limits, snapshot);
    auto worker = model::ChainWorker::start(ctx, [this] { return img.memory().another(); });
    ASSERT_NE(worker, nullptr);
    for (bool torn : {false, true}) {
        model::TornReadCheck check;
        check.begin_task();
        std::byte first{};
        ASSERT_TRUE(img.memory().read(data, std::span(&first, 1)));
        check.record(data, std::span(&first, 1));
        check.end_task(task, name, /*linked=*/true);
        if (torn) img.memory().put<uint8_t>(data, 'x');
        model::TornReadCheck next = worker->submit_check(std::move(check));
        EXPECT_EQ(next.pending(), 0u);
        model::ChainWorker::Taken taken = worker->take(ctx, /*wait=*/true);
        EXPECT_TRUE(taken.chains.empty());
        ASSERT_EQ(bool(taken.status), !torn);
        if (torn) {
            EXPECT_EQ(taken.status.error().code, Errc::CorruptData);
            EXPECT_NE(taken.status.error().message.find(
                          fmt::format("task {:#x} finished or was renamed", task)),
                      std::string::npos)
                << taken.status.error().message;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Py, ChainWorkerWalk, ::testing::Values(14, 15),
                         [](const auto& info) { return fmt::format("3_{}", info.param); });

}  // namespace
}  // namespace aps
