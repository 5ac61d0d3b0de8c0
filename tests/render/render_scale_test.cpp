// Size and depth: deep chains never recurse, 10,000 tasks render with the right shape, a newline
// in a name never adds a row.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aps/render.hpp"
#include "render/cycles.hpp"
#include "render/task_index.hpp"
#include "snapshot_builder.hpp"

namespace aps::render::test {
namespace {

std::size_t count_lines(std::string_view text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::string_view last_line(std::string_view text) {
    text.remove_suffix(1);
    return text.substr(text.rfind('\n') + 1);
}

// Task i+1 is awaited by task i: a chain `depth` tasks deep. With `close`, task 0 also awaits
// the last one, closing a single cycle through every task.
Snapshot chain(std::size_t depth, bool close) {
    SnapshotBuilder b;
    b.thread(1);
    for (std::size_t i = 0; i < depth; ++i) {
        b.task(0x1000 + i * 16, fmt::format("t{}", i));
        if (i > 0) b.awaited_by(0x1000 + (i - 1) * 16);
        if (i == 0 && close) b.awaited_by(0x1000 + (depth - 1) * 16);
    }
    return b.build();
}

TEST(RenderScale, TenThousandDeepCycleIsReportedWithoutRecursion) {
    const TreeOutput tree = render_pstree(chain(10000, true));
    EXPECT_EQ(tree.exit_code, 1);
    EXPECT_TRUE(tree.out.empty());
    ASSERT_EQ(count_lines(tree.err), 3u);
    // The DFS starts at the first key (t0's awaiter t9999) and walks the whole chain back to it.
    const std::string_view cycle = last_line(tree.err);
    EXPECT_TRUE(cycle.starts_with("cycle: t9999 \u2192 t0 \u2192 t1 \u2192 "));
    EXPECT_TRUE(cycle.ends_with(" \u2192 t9998 \u2192 t9999"));
}

TEST(RenderScale, HundredThousandDeepCycleCheckIsIterative) {
    // Deep enough that a recursive DFS would exhaust a default 8 MiB stack in a debug build.
    const Snapshot open = chain(100000, false);
    EXPECT_TRUE(find_await_cycles(TaskIndex(open)).empty());
    const Snapshot closed = chain(100000, true);
    const std::vector<Cycle> cycles = find_await_cycles(TaskIndex(closed));
    ASSERT_EQ(cycles.size(), 1u);
    EXPECT_EQ(cycles[0].size(), 100001u);
}

TEST(RenderScale, DeepTreeIsPrintedIteratively) {
    // The tree's text is quadratic in its depth (4 bytes of indent per level), so 3,000 levels
    // (18 MB) stand in for deeper ones; the printer keeps one explicit stack entry per level.
    const TreeOutput tree = render_pstree(chain(3000, false));
    EXPECT_EQ(tree.exit_code, 0);
    EXPECT_TRUE(tree.err.empty());
    EXPECT_EQ(count_lines(tree.out), 3000u);
    EXPECT_TRUE(tree.out.starts_with("\u2514\u2500\u2500 (T) t0\n    \u2514\u2500\u2500 (T) t1\n"));
    EXPECT_EQ(last_line(tree.out), std::string(4 * 2999, ' ') + "\u2514\u2500\u2500 (T) t2999");
}

TEST(RenderScale, TenThousandDeepChainTable) {
    const std::string ps = render_ps(chain(10000, false));
    EXPECT_EQ(count_lines(ps), 2u + 10000u);
}

TEST(RenderScale, TenThousandTasksUnderOneRoot) {
    SnapshotBuilder b;
    b.thread(7).task(0x10, "root", {F{"main", "/m.py", 1}});
    for (uint64_t i = 1; i < 10000; ++i) {
        b.task(0x10 + i * 16, fmt::format("w{}", i), {F{"work", "/w.py", 2}})
            .awaited_by(0x10, {F{"main", "/m.py", 1}});
    }
    const Snapshot snapshot = b.build();

    const std::string ps = render_ps(snapshot);
    EXPECT_EQ(count_lines(ps), 2u + 10000u);

    const TreeOutput tree = render_pstree(snapshot);
    EXPECT_EQ(tree.exit_code, 0);
    // root, its single `main` node, then each worker with its own `work` frame.
    EXPECT_EQ(count_lines(tree.out), 2u + 2u * 9999u);
    EXPECT_TRUE(
        tree.out.starts_with("\u2514\u2500\u2500 (T) root\n"
                             "    \u2514\u2500\u2500  main /m.py:1\n"
                             "        \u251c\u2500\u2500 (T) w1\n"
                             "        \u2502   \u2514\u2500\u2500  work /w.py:2\n"));
    EXPECT_EQ(last_line(tree.out), "            \u2514\u2500\u2500  work /w.py:2");
}

TEST(RenderScale, NewlinesInNamesKeepOneRowPerTask) {
    SnapshotBuilder b;
    b.thread(1);
    for (uint64_t i = 0; i < 50; ++i) {
        b.task(i + 1, "evil\n\r\nname\x1b]0;title\x07", {F{"f\nn", "/f\n.py", 1}});
        if (i > 0) b.awaited_by(i, {F{"a\nw", "/a.py", 2}});
    }
    const Snapshot snapshot = b.build();
    const std::string ps = render_ps(snapshot);
    EXPECT_EQ(count_lines(ps), 2u + 50u);
    EXPECT_EQ(ps.find('\r'), std::string::npos);
    EXPECT_EQ(ps.find('\x1b'), std::string::npos);
    const TreeOutput tree = render_pstree(snapshot);
    EXPECT_EQ(count_lines(tree.out), 50u + 49u + 1u);  // tasks, awaiter frames, last task's frame
}

}  // namespace
}  // namespace aps::render::test
