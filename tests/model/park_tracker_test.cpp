// The park tracker over hand-built successive snapshots: clocks that run while a task stays, and
// reset when it moves, is renamed, or goes away.
#include "aps/park_tracker.hpp"

#include <gtest/gtest.h>

#include "render/snapshot_builder.hpp"

namespace aps {
namespace {

using render::test::F;
using render::test::SnapshotBuilder;
using namespace std::chrono_literals;

const ParkTracker::Clock::time_point kT0{std::chrono::hours(1000)};

const std::vector<F> kSleeping = {{"sleep", "/lib/asyncio/tasks.py", 716},
                                  {"cooking", "/app/r.py", 11},
                                  {"chef", "/app/r.py", 15}};

Snapshot one_task(uint64_t id, const std::string& name, const std::vector<F>& frames) {
    return SnapshotBuilder().thread(7).task(id, name, frames).build();
}

// kSleeping with frame `index` (0 the innermost) at another line.
std::vector<F> sleeping_at(std::size_t index, int line) {
    std::vector<F> frames = kSleeping;
    frames[index].line = line;
    return frames;
}

TEST(ParkTracker, ClockRunsWhileTheTaskStaysPut) {
    ParkTracker tracker;
    tracker.update(one_task(0x10, "cook", kSleeping), kT0);
    ASSERT_EQ(tracker.times().size(), 1u);
    EXPECT_EQ(tracker.times()[0].parked, 0s);
    EXPECT_TRUE(tracker.times()[0].before_first_sample);

    tracker.update(one_task(0x10, "cook", kSleeping), kT0 + 1s);
    EXPECT_EQ(tracker.times()[0].parked, 1s);
    tracker.update(one_task(0x10, "cook", kSleeping), kT0 + 2500ms);
    EXPECT_EQ(tracker.times()[0].parked, 2500ms);
    EXPECT_TRUE(tracker.times()[0].before_first_sample);
    EXPECT_EQ(tracker.samples(), 3u);
    EXPECT_EQ(tracker.snapshot().interpreters[0].threads[0].tasks[0].name, "cook");
}

TEST(ParkTracker, TaskThatAppearsLaterStartsAtZero) {
    ParkTracker tracker;
    tracker.update(one_task(0x10, "a", kSleeping), kT0);
    tracker.update(
        SnapshotBuilder().thread(7).task(0x10, "a", kSleeping).task(0x20, "b", kSleeping).build(),
        kT0 + 1s);
    ASSERT_EQ(tracker.times().size(), 2u);
    EXPECT_EQ(tracker.times()[1].parked, 0s);
    EXPECT_FALSE(tracker.times()[1].before_first_sample);
    tracker.update(
        SnapshotBuilder().thread(7).task(0x10, "a", kSleeping).task(0x20, "b", kSleeping).build(),
        kT0 + 3s);
    EXPECT_EQ(tracker.times()[0].parked, 3s);
    EXPECT_EQ(tracker.times()[1].parked, 2s);
}

TEST(ParkTracker, ANewLineInTheInnermostFrameResetsTheClock) {
    ParkTracker tracker;
    tracker.update(one_task(0x10, "t", kSleeping), kT0);
    tracker.update(one_task(0x10, "t", sleeping_at(0, 720)), kT0 + 5s);
    EXPECT_EQ(tracker.times()[0].parked, 0s);
    EXPECT_FALSE(tracker.times()[0].before_first_sample);
    tracker.update(one_task(0x10, "t", sleeping_at(0, 720)), kT0 + 6s);
    EXPECT_EQ(tracker.times()[0].parked, 1s);
}

TEST(ParkTracker, AMoveInAnOuterFrameResetsTheClock) {
    // The innermost frame is asyncio's sleep either way; the await site in the caller changed.
    ParkTracker tracker;
    tracker.update(one_task(0x10, "t", kSleeping), kT0);
    tracker.update(one_task(0x10, "t", sleeping_at(1, 12)), kT0 + 5s);
    EXPECT_EQ(tracker.times()[0].parked, 0s);
}

TEST(ParkTracker, AnotherFunctionOrFileResetsTheClock) {
    ParkTracker tracker;
    tracker.update(one_task(0x10, "t", kSleeping), kT0);
    std::vector<F> other_function = kSleeping;
    other_function[2].function = "waiter";
    tracker.update(one_task(0x10, "t", other_function), kT0 + 1s);
    EXPECT_EQ(tracker.times()[0].parked, 0s);
    std::vector<F> other_file = other_function;
    other_file[2].file = "/app/other.py";
    tracker.update(one_task(0x10, "t", other_file), kT0 + 2s);
    EXPECT_EQ(tracker.times()[0].parked, 0s);
    std::vector<F> deeper = other_file;
    deeper.push_back({"customer", "/app/r.py", 23});
    tracker.update(one_task(0x10, "t", deeper), kT0 + 3s);
    EXPECT_EQ(tracker.times()[0].parked, 0s);
    tracker.update(one_task(0x10, "t", deeper), kT0 + 4s);
    EXPECT_EQ(tracker.times()[0].parked, 1s);
}

TEST(ParkTracker, ARenamedTaskResetsTheClock) {
    ParkTracker tracker;
    tracker.update(one_task(0x10, "before", kSleeping), kT0);
    tracker.update(one_task(0x10, "after", kSleeping), kT0 + 4s);
    EXPECT_EQ(tracker.times()[0].parked, 0s);
    EXPECT_FALSE(tracker.times()[0].before_first_sample);
}

TEST(ParkTracker, AGoneTaskIsForgotten) {
    ParkTracker tracker;
    tracker.update(one_task(0x10, "t", kSleeping), kT0);
    tracker.update(one_task(0x20, "other", kSleeping), kT0 + 1s);
    ASSERT_EQ(tracker.times().size(), 1u);
    EXPECT_EQ(tracker.times()[0].parked, 0s);
    // Back at the same address, name and stack: a new task as far as anyone can tell.
    tracker.update(one_task(0x10, "t", kSleeping), kT0 + 2s);
    EXPECT_EQ(tracker.times()[0].parked, 0s);
    EXPECT_FALSE(tracker.times()[0].before_first_sample);
}

TEST(ParkTracker, FramesMatchByNameNotByCodeIndex) {
    // Code indices are per snapshot: here the second snapshot interns the codes in another order.
    ParkTracker tracker;
    tracker.update(one_task(0x10, "t", kSleeping), kT0);
    Snapshot reordered = SnapshotBuilder()
                             .thread(7)
                             .task(0x99, "first", {{"chef", "/app/r.py", 1}})
                             .task(0x10, "t", kSleeping)
                             .build();
    ASSERT_NE(reordered.frames_of(reordered.interpreters[0].threads[0].tasks[1])[0].code, 0u);
    tracker.update(std::move(reordered), kT0 + 2s);
    EXPECT_EQ(tracker.times()[1].parked, 2s);
}

TEST(ParkTracker, TimesFollowSnapshotOrderAcrossThreadsAndInterpreters) {
    const auto build = [] {
        return SnapshotBuilder()
            .thread(1)
            .task(0x1, "a", kSleeping)
            .thread(2)
            .task(0x2, "b", kSleeping)
            .interpreter()
            .thread(3)
            .task(0x3, "c", kSleeping)
            .build();
    };
    ParkTracker tracker;
    tracker.update(build(), kT0);
    Snapshot second = build();
    second.interpreters[0].threads[1].tasks[0].name = "b2";  // only b moves
    tracker.update(std::move(second), kT0 + 1s);
    ASSERT_EQ(tracker.times().size(), 3u);
    EXPECT_EQ(tracker.times()[0].parked, 1s);
    EXPECT_EQ(tracker.times()[1].parked, 0s);
    EXPECT_EQ(tracker.times()[2].parked, 1s);
}

TEST(ParkTracker, GarbageIsHarmless) {
    // Duplicated ids, out-of-range code indices, a clock that goes back: no crash, no negatives.
    Snapshot snapshot = SnapshotBuilder()
                            .thread(1)
                            .task(0x1, "a", kSleeping)
                            .task(0x1, "a", kSleeping)
                            .task(0x2, "b", {})
                            .build();
    snapshot.frames[snapshot.interpreters[0].threads[0].tasks[0].frames.at].code = 999;
    ParkTracker tracker;
    tracker.update(snapshot, kT0);
    tracker.update(snapshot, kT0 + 1s);
    ASSERT_EQ(tracker.times().size(), 3u);
    EXPECT_EQ(tracker.times()[0].parked, 1s);
    EXPECT_EQ(tracker.times()[2].parked, 1s);  // no frames at all is a position too
    tracker.update(snapshot, kT0);
    for (const ParkTime& t : tracker.times()) EXPECT_GE(t.parked.count(), 0);
    tracker.update(Snapshot{}, kT0 + 5s);
    EXPECT_TRUE(tracker.times().empty());
}

}  // namespace
}  // namespace aps
