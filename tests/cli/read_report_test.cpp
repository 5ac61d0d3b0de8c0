// The --verbose line about a read, and the test hook that holds aps while the target is stopped.
#include "cli/read_report.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>

#include "cli/test_hooks.hpp"

namespace {

using namespace std::chrono_literals;

TEST(DescribeRead, WithoutStop) {
    aps::ReadReport report;
    report.attempts = 1;
    EXPECT_EQ(aps::describe_read(42, report),
              "aps: read process 42 in 1 attempt, without stopping it");
    report.attempts = 3;
    EXPECT_EQ(aps::describe_read(42, report),
              "aps: read process 42 in 3 attempts, without stopping it");
}

TEST(DescribeRead, OneStopGivesThePause) {
    const aps::ReadReport report{.attempts = 1,
                                 .stops = 1,
                                 .threads = 5,
                                 .longest_pause = 12345678ns,
                                 .total_pause = 12345678ns};
    EXPECT_EQ(aps::describe_read(42, report),
              "aps: read process 42 in 1 attempt; stopped it once (5 threads) for 12.346 ms");
}

TEST(DescribeRead, SeveralStopsGiveLongestAndTotal) {
    const aps::ReadReport report{
        .attempts = 2, .stops = 2, .threads = 1, .longest_pause = 2ms, .total_pause = 3500us};
    EXPECT_EQ(aps::describe_read(7, report),
              "aps: read process 7 in 2 attempts; stopped it 2 times (1 thread) for 2.000 ms at "
              "most, 3.500 ms in all");
}

TEST(TestHooks, HoldWhileStoppedOnlyWithAValidNumber) {
    ::unsetenv("APS_TEST_HOLD_STOPPED_MS");
    EXPECT_FALSE(aps::hold_while_stopped_hook());
    for (const char* bad : {"", "abc", "0", "-5", "10x", "600001"}) {
        ::setenv("APS_TEST_HOLD_STOPPED_MS", bad, 1);
        EXPECT_FALSE(aps::hold_while_stopped_hook()) << bad;
    }
    ::setenv("APS_TEST_HOLD_STOPPED_MS", "30", 1);
    auto hook = aps::hold_while_stopped_hook();
    ASSERT_TRUE(hook);
    auto start = std::chrono::steady_clock::now();
    hook();
    EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
    ::unsetenv("APS_TEST_HOLD_STOPPED_MS");
}

}  // namespace
