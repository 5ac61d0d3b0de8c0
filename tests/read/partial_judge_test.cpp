// Settling partial snapshots: whole or cut ones at once, a held target at once, otherwise the
// second of two attempts that miss the same parts.
#include "read/partial_judge.hpp"

#include <gtest/gtest.h>

namespace {

aps::Snapshot with_problems(std::initializer_list<aps::Problem> problems) {
    aps::Snapshot s;
    s.problems = problems;
    return s;
}

TEST(PartialJudge, WholeOrCutSnapshotsAreTakenAtOnce) {
    aps::read::PartialJudge judge;
    EXPECT_TRUE(judge.take(aps::Snapshot{}, false));
    EXPECT_TRUE(judge.take(with_problems({{1, aps::Problem::Part::Stack, true, "deep"}}), false));
}

TEST(PartialJudge, AHeldTargetIsTakenAtOnce) {
    aps::read::PartialJudge judge;
    EXPECT_TRUE(judge.take(with_problems({{1, aps::Problem::Part::Stack, false, "x"}}), true));
}

TEST(PartialJudge, TheSamePartsTwiceInARowAreBrokenForGood) {
    using Part = aps::Problem::Part;
    aps::read::PartialJudge judge;
    // The reasons may differ (garbage read twice); the places are what must repeat, in any order.
    EXPECT_FALSE(judge.take(
        with_problems({{1, Part::Stack, false, "a"}, {2, Part::Name, false, ""}}), false));
    EXPECT_TRUE(judge.take(
        with_problems({{2, Part::Name, false, ""}, {1, Part::Stack, false, "b"}}), false));
}

TEST(PartialJudge, OtherPartsOrAFailureInBetweenStartAgain) {
    using Part = aps::Problem::Part;
    aps::read::PartialJudge judge;
    EXPECT_FALSE(judge.take(with_problems({{1, Part::Stack, false, "a"}}), false));
    EXPECT_FALSE(judge.take(with_problems({{1, Part::Awaiters, false, "a"}}), false));
    judge.forget();
    EXPECT_FALSE(judge.take(with_problems({{1, Part::Awaiters, false, "a"}}), false));
    EXPECT_TRUE(judge.take(with_problems({{1, Part::Awaiters, false, "a"}}), false));
}

}  // namespace
