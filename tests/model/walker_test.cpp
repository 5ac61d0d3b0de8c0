// Tests of walk_snapshot over FakeImage layouts of CPython 3.14 and 3.15.
#include "aps/walker.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "model/walker_test_support.hpp"
#include "support/fake_image.hpp"

namespace aps {
namespace {

using test::Fn;
using test::Name;
using test::problems_text;
using test::stack_names;
using test::stack_text;

class Walker : public ::testing::TestWithParam<int> {
  protected:
    test::FakeImage img{GetParam()};
    uint64_t main_thread = img.add_thread(1000);

    Snapshot walk(const WalkLimits& limits = {}) {
        auto r = walk_snapshot(img.memory(), img.input(), limits);
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r ? std::move(*r) : Snapshot{};
    }
    Error walk_error(const WalkLimits& limits = {}) {
        auto r = walk_snapshot(img.memory(), img.input(), limits);
        EXPECT_FALSE(r);
        return r ? Error{} : r.error();
    }
    // The tasks of the first thread of the main interpreter.
    const std::vector<Task>& main_tasks(const Snapshot& s) {
        return s.interpreters.at(0).threads.at(0).tasks;
    }
};

TEST_P(Walker, NoAsyncioGivesHeaderOnlySnapshot) {
    auto r = walk_snapshot(img.memory(), img.input_without_asyncio());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->major, 3);
    EXPECT_EQ(r->minor, GetParam());
    EXPECT_TRUE(r->interpreters.empty());
}

TEST_P(Walker, NoTasks) {
    auto s = walk();
    ASSERT_EQ(s.interpreters.size(), 1u);
    ASSERT_EQ(s.interpreters[0].threads.size(), 2u);
    EXPECT_EQ(s.interpreters[0].threads[0].tid, 1000u);
    EXPECT_EQ(s.interpreters[0].threads[1].tid, 0u);
    EXPECT_TRUE(s.interpreters[0].threads[0].tasks.empty());
    EXPECT_TRUE(s.interpreters[0].threads[1].tasks.empty());
}

TEST_P(Walker, OneTask) {
    uint64_t t =
        img.add_task(img.tasks_of(main_thread), Name::number(1), {{"main", "/t/prog.py", 12}});
    auto s = walk();
    ASSERT_EQ(main_tasks(s).size(), 1u);
    const Task& task = main_tasks(s)[0];
    EXPECT_EQ(task.id, t);
    EXPECT_EQ(task.name, "Task-1");
    EXPECT_EQ(stack_text(s, task.frames), "main /t/prog.py:12");
    EXPECT_TRUE(task.awaited_by.empty());
    EXPECT_EQ(s.major, 3);
    EXPECT_EQ(s.minor, GetParam());
}

TEST_P(Walker, ChainIsInnermostFirst) {
    img.add_task(img.tasks_of(main_thread), "mid-1",
                 {{"mid", "/t/prog.py", 5},
                  {"TaskGroup.__aexit__", "/usr/lib/taskgroups.py", 75},
                  {"TaskGroup._aexit", "/usr/lib/taskgroups.py", 125}});
    auto s = walk();
    EXPECT_EQ(stack_names(s, main_tasks(s)[0].frames),
              "TaskGroup._aexit -> TaskGroup.__aexit__ -> mid");
    EXPECT_EQ(stack_text(s, main_tasks(s)[0].frames),
              "TaskGroup._aexit /usr/lib/taskgroups.py:125 | TaskGroup.__aexit__ "
              "/usr/lib/taskgroups.py:75 | mid /t/prog.py:5");
}

TEST_P(Walker, CodeObjectsAreInterned) {
    auto list = img.tasks_of(main_thread);
    for (int i = 0; i < 3; ++i) img.add_task(list, Name::number(i), {{"leaf", "/t/p.py", 3}});
    auto s = walk();
    ASSERT_EQ(s.codes.size(), 1u);
    EXPECT_EQ(s.codes[0].function, "leaf");
    EXPECT_EQ(s.codes[0].file, "/t/p.py");
}

TEST_P(Walker, NonAsciiNamesEverywhere) {
    img.add_task(img.tasks_of(main_thread), "mid-é", {{"函数", "/t/😀.py", 3}});
    auto s = walk();
    EXPECT_EQ(main_tasks(s)[0].name, "mid-é");
    EXPECT_EQ(stack_text(s, main_tasks(s)[0].frames), "函数 /t/😀.py:3");
}

TEST_P(Walker, NoneLocationGivesNoLine) {
    Fn fn{"f", "/t/p.py", 9};
    fn.no_line = true;
    img.add_task(img.tasks_of(main_thread), "x", {fn});
    auto s = walk();
    EXPECT_FALSE(s.frames_of(main_tasks(s)[0])[0].has_line());
    EXPECT_EQ(stack_text(s, main_tasks(s)[0].frames), "f /t/p.py");
}

TEST_P(Walker, LargeLineTableStillDecoded) {
    uint64_t t = img.add_task(img.tasks_of(main_thread), "x", {{"f", "/t/p.py", 70000}});
    // Pad the table far past the reference's caps (4 KiB / 64 KiB).
    uint64_t code = img.memory().get<uint64_t>(img.coroutines(t)[0] + 72) & ~3ull;
    const auto& c = img.offsets().code_object;
    uint64_t table = img.memory().get<uint64_t>(code + c.linetable);
    std::vector<std::byte> big;  // 50,000 SHORT0 entries after the real ones
    for (int i = 0; i < 50000; ++i) big.insert(big.end(), {std::byte{0x80}, std::byte{0x00}});
    std::vector<std::byte> head;
    uint64_t size = img.memory().get<int64_t>(table + img.offsets().bytes_object.ob_size);
    head.resize(size);
    ASSERT_TRUE(img.memory().read(table + img.offsets().bytes_object.ob_sval, head));
    head.insert(head.end(), big.begin(), big.end());
    img.memory().put<uint64_t>(code + c.linetable, img.bytes(head));
    auto s = walk();
    EXPECT_EQ(s.frames_of(main_tasks(s)[0])[0].line, 70000);
}

TEST_P(Walker, AwaitedBySingle) {
    auto list = img.tasks_of(main_thread);
    uint64_t parent = img.add_task(list, Name::number(1), {{"main", "/t/prog.py", 12}});
    uint64_t child =
        img.add_task(list, "leaf-1", {{"leaf", "/t/prog.py", 3}, {"sleep", "/t/tasks.py", 725}});
    img.await(child, parent);
    auto s = walk();
    const auto& tasks = main_tasks(s);
    ASSERT_EQ(tasks.size(), 2u);
    ASSERT_EQ(tasks[1].awaited_by.size(), 1u);
    EXPECT_EQ(s.awaiters_of(tasks[1])[0].id, parent);
    EXPECT_EQ(stack_names(s, s.awaiters_of(tasks[1])[0].frames), "main");
    EXPECT_EQ(stack_names(s, tasks[1].frames), "sleep -> leaf");
}

TEST_P(Walker, AwaitedBySetInSlotOrderSkippingDummies) {
    auto list = img.tasks_of(main_thread);
    uint64_t a = img.add_task(list, "a", {{"fa", "/t/p.py", 1}});
    uint64_t b = img.add_task(list, "b", {{"fb", "/t/p.py", 2}});
    uint64_t fut = img.add_future();
    uint64_t child = img.add_task(list, "child", {{"fc", "/t/p.py", 3}});
    img.add_dummy_awaiter(child);
    img.await(child, b);
    img.add_dummy_awaiter(child);
    img.await(child, fut);
    img.await(child, a);
    img.add_dummy_awaiter(child);
    auto s = walk();
    const auto aw = s.awaiters_of(main_tasks(s).at(2));
    ASSERT_EQ(aw.size(), 3u);
    EXPECT_EQ(aw[0].id, b);
    EXPECT_EQ(stack_names(s, aw[0].frames), "fb");
    EXPECT_EQ(aw[1].id, fut);
    EXPECT_TRUE(aw[1].frames.empty());
    EXPECT_EQ(aw[2].id, a);
}

TEST_P(Walker, AwaiterNotInAnyListIsStillReported) {
    auto list = img.tasks_of(main_thread);
    uint64_t child = img.add_task(list, "child", {{"fc", "/t/p.py", 3}});
    // A parent on the exited-threads list, which is walked after this one.
    uint64_t parent =
        img.add_task(img.exited_tasks(img.main_interpreter()), "p", {{"fp", "/t/p.py", 4}});
    uint64_t other =
        img.add_task(img.exited_tasks(img.main_interpreter()), "o", {{"fo", "/t/p.py", 5}});
    img.await(child, parent);
    img.await(child, other);
    auto s = walk();
    const auto aw = s.awaiters_of(main_tasks(s).at(0));
    ASSERT_EQ(aw.size(), 2u);
    EXPECT_EQ(stack_names(s, aw[0].frames), "fp");
    EXPECT_EQ(stack_names(s, aw[1].frames), "fo");
}

TEST_P(Walker, GarbageAwaitedBySetIsThatTasksProblem) {
    auto list = img.tasks_of(main_thread);
    uint64_t child = img.add_task(list, "child", {{"fc", "/t/p.py", 3}});
    img.add_task(list, "other", {{"fo", "/t/p.py", 4}});
    img.add_dummy_awaiter(child);
    img.add_dummy_awaiter(child);
    uint64_t set = img.memory().get<uint64_t>(child + img.asyncio().task_object.task_awaited_by);
    img.memory().put<int64_t>(set + img.offsets().set_object.mask, int64_t{1} << 40);
    auto s = walk();
    ASSERT_EQ(main_tasks(s).size(), 2u);
    EXPECT_EQ(main_tasks(s)[0].marks, kAwaitersUnreadable);
    EXPECT_EQ(stack_names(s, main_tasks(s)[0].frames), "fc");
    EXPECT_EQ(main_tasks(s)[1].marks, 0);
    ASSERT_EQ(s.problems.size(), 1u);
    EXPECT_EQ(s.problems[0].task, child);
    EXPECT_EQ(s.problems[0].part, Problem::Part::Awaiters);
    EXPECT_NE(s.problems[0].what.find("invalid awaited-by set"), std::string::npos)
        << s.problems[0].what;
    img.memory().put<int64_t>(set + img.offsets().set_object.mask, 7);
    img.memory().put<int64_t>(set + img.offsets().set_object.used, 9);
    EXPECT_EQ(walk().problems.size(), 1u);
}

TEST_P(Walker, AwaiterCycleDoesNotHang) {
    auto list = img.tasks_of(main_thread);
    uint64_t a = img.add_task(list, "A", {{"fa", "/t/p.py", 1}});
    uint64_t b = img.add_task(list, "B", {{"fb", "/t/p.py", 2}});
    img.await(a, b);
    img.await(b, a);
    auto s = walk();
    ASSERT_EQ(main_tasks(s).size(), 2u);
    EXPECT_EQ(s.awaiters_of(main_tasks(s)[0])[0].id, b);
    EXPECT_EQ(s.awaiters_of(main_tasks(s)[1])[0].id, a);
}

TEST_P(Walker, ThreadsNewestFirstThenExitedList) {
    uint64_t t2 = img.add_thread(2000);
    uint64_t t3 = img.add_thread(3000);
    img.add_task(img.tasks_of(main_thread), "on-main", {{"m", "/t/p.py", 1}});
    img.add_task(img.tasks_of(t2), "on-2", {{"x", "/t/p.py", 2}});
    img.add_task(img.tasks_of(t3), "on-3a", {{"y", "/t/p.py", 3}});
    img.add_task(img.tasks_of(t3), "on-3b", {{"y", "/t/p.py", 3}});
    img.add_task(img.exited_tasks(img.main_interpreter()), "orphan", {{"z", "/t/p.py", 4}});
    auto s = walk();
    const auto& threads = s.interpreters.at(0).threads;
    ASSERT_EQ(threads.size(), 4u);
    EXPECT_EQ(threads[0].tid, 3000u);
    EXPECT_EQ(threads[1].tid, 2000u);
    EXPECT_EQ(threads[2].tid, 1000u);
    EXPECT_EQ(threads[3].tid, 0u);
    ASSERT_EQ(threads[0].tasks.size(), 2u);
    EXPECT_EQ(threads[0].tasks[0].name, "on-3a");
    EXPECT_EQ(threads[0].tasks[1].name, "on-3b");
    EXPECT_EQ(threads[1].tasks.at(0).name, "on-2");
    EXPECT_EQ(threads[2].tasks.at(0).name, "on-main");
    EXPECT_EQ(threads[3].tasks.at(0).name, "orphan");
}

TEST_P(Walker, InterpretersMainFirst) {
    uint64_t sub = img.add_interpreter(1);
    uint64_t sub_thread = img.add_thread(sub, 4000);
    img.add_task(img.tasks_of(main_thread), "main-task", {{"m", "/t/p.py", 1}});
    img.add_task(img.tasks_of(sub_thread), "sub-task", {{"s", "/t/q.py", 2}});
    auto s = walk();
    ASSERT_EQ(s.interpreters.size(), 2u);
    EXPECT_EQ(s.interpreters[0].id, 0);
    EXPECT_EQ(s.interpreters[1].id, 1);
    EXPECT_EQ(s.interpreters[0].threads.at(0).tasks.at(0).name, "main-task");
    EXPECT_EQ(s.interpreters[1].threads.at(0).tid, 4000u);
    EXPECT_EQ(s.interpreters[1].threads.at(0).tasks.at(0).name, "sub-task");
    EXPECT_EQ(s.interpreters[1].threads.at(1).tid, 0u);
}

TEST_P(Walker, AsyncGeneratorBehindAsendAndAthrow) {
    Fn agen{"agen", "/t/p.py", 7};
    agen.via = Fn::Via::AsyncGenAsend;
    Fn agen2{"agen2", "/t/p.py", 8};
    agen2.via = Fn::Via::AsyncGenAthrow;
    img.add_task(img.tasks_of(main_thread), "x",
                 {{"c1", "/t/p.py", 3}, agen, agen2, {"sleep", "/t/tasks.py", 725}});
    auto s = walk();
    EXPECT_EQ(stack_names(s, main_tasks(s)[0].frames), "sleep -> agen2 -> agen -> c1");
}

TEST_P(Walker, OtherAwaitablesEndTheChain) {
    uint64_t t = img.add_task(img.tasks_of(main_thread), "x",
                              {{"outer", "/t/p.py", 3}, {"inner", "/t/p.py", 4}});
    // outer awaits a plain generator (types.coroutine style) instead of the inner coroutine.
    uint64_t gen = img.alloc(img.offsets().gen_object.size);
    img.memory().put<uint64_t>(gen + 8, img.types().generator);
    img.set_awaited(img.coroutines(t)[0], gen);
    auto s = walk();
    EXPECT_EQ(stack_names(s, main_tasks(s)[0].frames), "outer");
}

TEST_P(Walker, CoroutineChainCycleIsAProblemNotAHang) {
    uint64_t t = img.add_task(img.tasks_of(main_thread), "x",
                              {{"a", "/t/p.py", 1}, {"b", "/t/p.py", 2}, {"c", "/t/p.py", 3}});
    img.set_awaited(img.coroutines(t)[2], img.coroutines(t)[0]);
    auto s = walk();
    const Task& task = main_tasks(s).at(0);
    EXPECT_EQ(task.marks, kStackUnreadable);
    EXPECT_TRUE(stack_names(s, task.frames).starts_with("<unreadable> -> "))
        << stack_names(s, task.frames);
    EXPECT_TRUE(stack_names(s, task.frames).ends_with(" -> c -> b -> a"))
        << stack_names(s, task.frames);
    ASSERT_EQ(s.problems.size(), 1u);
    EXPECT_NE(s.problems[0].what.find("loops"), std::string::npos) << s.problems[0].what;
}

TEST_P(Walker, SelfAwaitingCoroutineIsAProblem) {
    uint64_t t = img.add_task(img.tasks_of(main_thread), "x", {{"a", "/t/p.py", 1}});
    img.set_awaited(img.coroutines(t)[0], img.coroutines(t)[0]);
    auto s = walk();
    EXPECT_EQ(main_tasks(s).at(0).marks, kStackUnreadable);
    EXPECT_EQ(s.problems.size(), 1u);
}

// A chain deeper than the bound is cut there: its outer frames and a marker, and a problem that
// says it was cut (not broken).
TEST_P(Walker, ChainDepthIsBoundedByACut) {
    std::vector<Fn> chain;
    for (int i = 0; i < 40; ++i) chain.push_back({fmt::format("f{}", i), "/t/p.py", i + 1});
    img.add_task(img.tasks_of(main_thread), "deep", chain);
    img.add_task(img.tasks_of(main_thread), "shallow", {{"g", "/t/p.py", 1}});
    WalkLimits limits;
    limits.max_frames_per_chain = 40;
    auto whole = walk(limits);
    EXPECT_EQ(main_tasks(whole).at(0).frames.size(), 40u);
    EXPECT_TRUE(whole.problems.empty());
    limits.max_frames_per_chain = 39;
    auto s = walk(limits);
    const Task& deep = main_tasks(s).at(0);
    EXPECT_EQ(deep.marks, kStackCut);
    ASSERT_EQ(deep.frames.size(), 40u);
    EXPECT_TRUE(stack_names(s, deep.frames).starts_with("<frames cut> -> f38 -> f37"))
        << stack_names(s, deep.frames);
    EXPECT_EQ(stack_names(s, main_tasks(s).at(1).frames), "g");
    ASSERT_EQ(s.problems.size(), 1u);
    EXPECT_TRUE(s.problems[0].cut);
    EXPECT_EQ(s.problems[0].part, Problem::Part::Stack);
}

TEST_P(Walker, DeepChainBeyondReferenceCap) {
    std::vector<Fn> chain;
    for (int i = 0; i < 3000; ++i) chain.push_back({"f", "/t/p.py", 1});
    img.add_task(img.tasks_of(main_thread), "deep", chain);
    auto s = walk();
    EXPECT_EQ(main_tasks(s).at(0).frames.size(), 3000u);
}

TEST_P(Walker, ClearedCoroutineEndsTheChain) {
    uint64_t t =
        img.add_task(img.tasks_of(main_thread), "x", {{"a", "/t/p.py", 1}, {"b", "/t/p.py", 2}});
    const auto& k = img.offsets().frame;
    img.memory().put<int8_t>(img.coroutines(t)[1] + img.offsets().gen_object.gi_frame_state,
                             k.cleared);
    auto s = walk();
    EXPECT_EQ(stack_names(s, main_tasks(s)[0].frames), "a");
    EXPECT_TRUE(s.problems.empty());
}

// A native coroutine whose frame state or frame owner is not one a generator can have is broken:
// shown with a marker and reported, never silently as an empty stack.
TEST_P(Walker, GarbageFrameStateOrOwnerIsAProblem) {
    uint64_t t =
        img.add_task(img.tasks_of(main_thread), "x", {{"a", "/t/p.py", 1}, {"b", "/t/p.py", 2}});
    const uint64_t inner = img.coroutines(t)[1];
    const auto& g = img.offsets().gen_object;
    const auto& k = img.offsets().frame;
    auto stack_and_problem = [&] {
        auto s = walk();
        return stack_names(s, main_tasks(s).at(0).frames) + " | " + problems_text(s);
    };
    img.memory().put<int8_t>(inner + g.gi_frame_state, 77);
    EXPECT_EQ(stack_and_problem(),
              fmt::format("<unreadable> -> a | {:#x} stack: coroutine at {:#x} has frame state "
                          "77, which no generator has\n",
                          t, inner));
    img.memory().put<int8_t>(inner + g.gi_frame_state, k.suspended_yield_from);
    for (uint8_t owner : {uint8_t(k.owned_by_interpreter), uint8_t(2), uint8_t(77)}) {
        img.memory().put<uint8_t>(inner + g.gi_iframe + img.offsets().interpreter_frame.owner,
                                  owner);
        EXPECT_EQ(stack_and_problem(),
                  fmt::format("<unreadable> -> a | {:#x} stack: coroutine at {:#x} has a frame "
                              "owned by {}, not by a generator\n",
                              t, inner, owner));
    }
}

TEST_P(Walker, TaskListCycleMissingHeadIsCorruptNotAHang) {
    auto list = img.tasks_of(main_thread);
    img.add_task(list, "a", {{"f", "/t/p.py", 1}});
    uint64_t b = img.add_task(list, "b", {{"f", "/t/p.py", 1}});
    uint64_t c = img.add_task(list, "c", {{"f", "/t/p.py", 1}});
    const auto& t = img.asyncio().task_object;
    img.memory().put<uint64_t>(c + t.task_node, b + t.task_node);  // c → b → c → …
    auto start = std::chrono::steady_clock::now();
    auto e = walk_error();
    EXPECT_EQ(e.code, Errc::CorruptData);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_P(Walker, TaskListNullNextIsCorrupt) {
    auto list = img.tasks_of(main_thread);
    uint64_t a = img.add_task(list, "a", {{"f", "/t/p.py", 1}});
    img.memory().put<uint64_t>(a + img.asyncio().task_object.task_node, 0);
    auto e = walk_error();
    EXPECT_EQ(e.code, Errc::CorruptData);
    EXPECT_NE(e.message.find("NULL"), std::string::npos) << e.message;
}

TEST_P(Walker, TaskCountIsBounded) {
    auto list = img.tasks_of(main_thread);
    for (int i = 0; i < 5; ++i) img.add_task(list, Name::number(i), {{"f", "/t/p.py", 1}});
    WalkLimits limits;
    limits.max_tasks_per_list = 4;
    EXPECT_EQ(walk_error(limits).code, Errc::CorruptData);
}

TEST_P(Walker, ThreadListCycleIsCorrupt) {
    uint64_t t2 = img.add_thread(2000);
    img.memory().put<uint64_t>(main_thread + img.offsets().thread_state.next, t2);
    EXPECT_EQ(walk_error().code, Errc::CorruptData);
}

TEST_P(Walker, InterpreterListCycleIsCorrupt) {
    uint64_t sub = img.add_interpreter(1);
    img.memory().put<uint64_t>(img.main_interpreter() + img.offsets().interpreter_state.next, sub);
    EXPECT_EQ(walk_error().code, Errc::CorruptData);
}

TEST_P(Walker, TenThousandTasks) {
    auto list = img.tasks_of(main_thread);
    uint64_t parent = img.add_task(list, Name::number(1), {{"main", "/t/p.py", 10}});
    for (int i = 2; i <= 10000; ++i) {
        uint64_t t = img.add_task(list, Name::number(i),
                                  {{"work", "/t/p.py", 5}, {"sleep", "/t/tasks.py", 725}});
        img.await(t, parent);
    }
    auto s = walk();
    const auto& tasks = main_tasks(s);
    ASSERT_EQ(tasks.size(), 10000u);
    EXPECT_EQ(tasks.back().name, "Task-10000");
    EXPECT_EQ(stack_names(s, tasks.back().frames), "sleep -> work");
    EXPECT_EQ(s.awaiters_of(tasks.back())[0].id, parent);
    EXPECT_EQ(s.codes.size(), 3u);
}

TEST_P(Walker, UnreadableTaskIsReadFailedWithContext) {
    uint64_t t = img.add_task(img.tasks_of(main_thread), "x", {{"f", "/t/p.py", 1}});
    img.memory().unmap(t);
    auto e = walk_error();
    EXPECT_EQ(e.code, Errc::ReadFailed);
    EXPECT_NE(e.message.find("reading task at"), std::string::npos) << e.message;
}

TEST_P(Walker, UnreadableCoroutineIsAProblem) {
    uint64_t t = img.add_task(img.tasks_of(main_thread), "x", {{"f", "/t/p.py", 1}});
    img.memory().unmap(img.coroutines(t)[0]);
    auto s = walk();
    EXPECT_EQ(stack_names(s, main_tasks(s).at(0).frames), "<unreadable>");
    ASSERT_EQ(s.problems.size(), 1u);
    EXPECT_NE(s.problems[0].what.find("reading object type at"), std::string::npos)
        << s.problems[0].what;
}

TEST_P(Walker, UnreadableRuntimeIsReadFailed) {
    img.memory().unmap(img.runtime());
    EXPECT_EQ(walk_error().code, Errc::ReadFailed);
}

TEST_P(Walker, TaggedPointersAreUntagged) {
    uint64_t t = img.add_task(img.tasks_of(main_thread), "x", {{"f", "/t/p.py", 1}});
    const auto& o = img.asyncio().task_object;
    img.memory().put<uint64_t>(t + o.task_coro, img.memory().get<uint64_t>(t + o.task_coro) | 1);
    img.memory().put<uint64_t>(t + o.task_name, img.memory().get<uint64_t>(t + o.task_name) | 3);
    auto s = walk();
    EXPECT_EQ(main_tasks(s)[0].name, "x");
    EXPECT_EQ(stack_names(s, main_tasks(s)[0].frames), "f");
}

INSTANTIATE_TEST_SUITE_P(Py, Walker, ::testing::Values(14, 15),
                         [](const auto& info) { return fmt::format("3_{}", info.param); });

}  // namespace
}  // namespace aps
