// Tests of the event-loop state of a thread and of the blocked-loop verdict (model/loop_state.cpp)
// over hand-built snapshots: a loop waiting in its selector, a task's step in a synchronous call,
// the same hold in two snapshots (blocked) and a different one (busy but healthy).
#include "aps/loop_state.hpp"

#include <gtest/gtest.h>

#include "render/snapshot_builder.hpp"

namespace aps {
namespace {

using render::test::F;
using render::test::SnapshotBuilder;

constexpr uint64_t kLoop = 0x1000;
constexpr uint64_t kTask = 0x2000;

// One thread 7 with task kTask, whose stack is `frames` (innermost first) and whose loop runs
// `running` (0: no task); the task's coroutine frame is `task_frame` (kNoFrame: not on it).
Snapshot snapshot(const std::vector<F>& frames, uint64_t running,
                  uint32_t task_frame = ThreadStack::kNoFrame, uint64_t loop = kLoop) {
    Snapshot s = SnapshotBuilder().thread(7).task(kTask, "req-17", frames).build();
    ThreadStack& st = s.interpreters[0].threads[0].stack;
    st.read = true;
    st.frames = s.interpreters[0].threads[0].tasks[0].frames;
    st.running_loop = loop;
    st.running_task = running;
    st.task_frame = task_frame;
    return s;
}

const std::vector<F> kSelectorWait = {
    F("EpollSelector.select", "/usr/lib/python3.15/selectors.py", 452),
    F("BaseEventLoop._run_once", "/usr/lib/python3.15/asyncio/base_events.py", 2032)};
const std::vector<F> kBlocking = {F("blocking_io", "/app/app.py", 15),
                                  F("handler", "/app/app.py", 19),
                                  F("Handle._run", "/usr/lib/python3.15/asyncio/events.py", 94)};

const Thread& thread(const Snapshot& s) {
    return s.interpreters[0].threads[0];
}

TEST(LoopState, NoLoop) {
    Snapshot s = snapshot(kBlocking, 0, ThreadStack::kNoFrame, 0);
    EXPECT_EQ(loop_state(s, thread(s)).kind, LoopState::Kind::NoLoop);
}

TEST(LoopState, WaitingInTheSelector) {
    Snapshot s = snapshot(kSelectorWait, 0);
    const LoopState l = loop_state(s, thread(s));
    EXPECT_EQ(l.kind, LoopState::Kind::Waiting);
    EXPECT_EQ(l.loop, kLoop);
}

TEST(LoopState, ATaskStepInASynchronousCall) {
    Snapshot s = snapshot(kBlocking, kTask, 1);
    const LoopState l = loop_state(s, thread(s));
    EXPECT_EQ(l.kind, LoopState::Kind::InTask);
    EXPECT_EQ(l.task, kTask);
    EXPECT_EQ(l.calls, 1u);  // blocking_io, above the task's own frame
}

TEST(LoopState, ACallbackHoldsTheLoop) {
    Snapshot s = snapshot(kBlocking, 0);
    const LoopState l = loop_state(s, thread(s));
    EXPECT_EQ(l.kind, LoopState::Kind::Elsewhere);
    EXPECT_EQ(l.calls, 2u);  // above Handle._run
}

TEST(BlockedLoop, TheSameHoldInTwoSnapshotsIsBlocked) {
    Snapshot a = snapshot(kBlocking, kTask, 1);
    Snapshot b = snapshot(kBlocking, kTask, 1);
    const auto loops = thread_loops(b, &a, 0.2);
    ASSERT_EQ(loops.size(), 1u);
    EXPECT_EQ(loops[0].tid, 7u);
    EXPECT_EQ(loops[0].state.kind, LoopState::Kind::InTask);
    EXPECT_DOUBLE_EQ(loops[0].blocked_seconds, 0.2);
}

TEST(BlockedLoop, ABusyLoopIsNot) {
    // Another line of the same task, another task, or the selector wait in between: not blocked.
    Snapshot a = snapshot(kBlocking, kTask, 1);
    std::vector<F> moved = kBlocking;
    moved[0] = F("blocking_io", "/app/app.py", 16);
    Snapshot other_line = snapshot(moved, kTask, 1);
    Snapshot other_task = snapshot(kBlocking, kTask + 0x100, 1);
    Snapshot waiting = snapshot(kSelectorWait, 0);
    for (const Snapshot* b : {&other_line, &other_task, &waiting}) {
        EXPECT_LT(thread_loops(*b, &a, 0.2).at(0).blocked_seconds, 0);
    }
    // Waiting twice is healthy too.
    EXPECT_LT(thread_loops(waiting, &waiting, 0.2).at(0).blocked_seconds, 0);
    // The loop's own code between two callbacks is no hold, however often it is seen.
    const std::vector<F> own = {
        F("Handle._run", "/usr/lib/python3.15/asyncio/events.py", 94),
        F("BaseEventLoop._run_once", "/usr/lib/python3.15/asyncio/base_events.py", 2073)};
    Snapshot between = snapshot(own, 0);
    EXPECT_EQ(loop_state(between, thread(between)).kind, LoopState::Kind::Elsewhere);
    EXPECT_LT(thread_loops(between, &between, 0.2).at(0).blocked_seconds, 0);
    // A callback's own call held twice is.
    Snapshot callback = snapshot(kBlocking, 0);
    EXPECT_DOUBLE_EQ(thread_loops(callback, &callback, 0.2).at(0).blocked_seconds, 0.2);
    // A first snapshot alone says nothing.
    EXPECT_LT(thread_loops(a, nullptr, 0).at(0).blocked_seconds, 0);
}

}  // namespace
}  // namespace aps
