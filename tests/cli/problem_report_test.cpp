// The stderr lines and exit status of a snapshot that could not be read whole.
#include "cli/problem_report.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cli/exit_status.hpp"

namespace {

using aps::Problem;

aps::Snapshot snapshot_with(std::size_t problems) {
    aps::Snapshot s;
    s.interpreters.emplace_back();
    s.interpreters[0].threads.push_back(aps::Thread{7, {}, {}});
    auto& tasks = s.interpreters[0].threads[0].tasks;
    for (std::size_t i = 0; i < problems; ++i) {
        aps::Task t;
        t.id = 0x100 + i;
        t.name = fmt::format("t{}\n", i);  // escaped on stderr like anywhere else
        tasks.push_back(t);
        s.problems.push_back({t.id, Problem::Part::Stack, false, fmt::format("bad {}", i)});
    }
    return s;
}

TEST(ProblemReport, NothingForAWholeSnapshot) {
    EXPECT_EQ(aps::describe_problems(aps::Snapshot{}), "");
    EXPECT_EQ(aps::status_with_problems(aps::Snapshot{}, 1), 1);
}

TEST(ProblemReport, OneLinePerProblemNamingTheTask) {
    aps::Snapshot s = snapshot_with(2);
    s.problems.push_back({0x100, Problem::Part::Awaiters, false, "set"});
    s.problems.push_back({0x999, Problem::Part::Name, false, "task has no name"});
    s.problems.push_back({0x101, Problem::Part::Stack, true, "deeper than 4 frames"});
    EXPECT_EQ(aps::describe_problems(s),
              "aps: task 0x100 (t0\\n): its coroutine stack could not be read: bad 0\n"
              "aps: task 0x101 (t1\\n): its coroutine stack could not be read: bad 1\n"
              "aps: task 0x100 (t0\\n): its awaiters could not be read: set\n"
              "aps: task 0x999: its name could not be read: task has no name\n"
              "aps: task 0x101 (t1\\n): its coroutine stack is cut: deeper than 4 frames\n");
    EXPECT_EQ(aps::status_with_problems(s, 0), aps::kExitPartial);
    EXPECT_EQ(aps::status_with_problems(s, 1), aps::kExitPartial);
    EXPECT_EQ(aps::status_with_problems(s, aps::kExitWriteError), aps::kExitWriteError);
}

TEST(ProblemReport, AtMostTenLinesThenACount) {
    aps::Snapshot s = snapshot_with(12);
    const std::string text = aps::describe_problems(s);
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 11);
    EXPECT_TRUE(text.ends_with("aps: and 2 more like these (--format json lists them all)\n"))
        << text;
    s.problems_left_out = 5;
    EXPECT_TRUE(aps::describe_problems(s).ends_with(
        "aps: and 7 more like these (--format json lists the first 10,000)\n"));
}

}  // namespace
