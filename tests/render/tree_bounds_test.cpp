// pstree past its bounds (src/render/tree_bounds.hpp): a tree whose shared subtrees or depth
// would make the reference's text explode is printed compact, in a size linear in the snapshot;
// the measure of the reference's text that decides it is exact; and the compact tree loses
// nothing: its references expand back into the reference's tree.
#include "render/tree_bounds.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "aps/render.hpp"
#include "render/await_tree.hpp"
#include "render/cycles.hpp"
#include "render/escape.hpp"
#include "render/task_index.hpp"
#include "render/tree_size.hpp"
#include "snapshot_builder.hpp"

namespace aps::render::test {
namespace {

constexpr std::string_view kLast = "\u2514\u2500\u2500 ";  // "└── "
constexpr std::string_view kMid = "\u251c\u2500\u2500 ";   // "├── "
constexpr std::string_view kBar = "\u2502   ";             // "│   "

uint64_t diamond_id(std::size_t level, std::size_t k) {
    return 0x1000 + 0x20 * level + 0x10 * k;
}

// Two tasks per level, L<n>a and L<n>b, each awaiting (from its frame `level`) both tasks of the
// next level; the last level's tasks sleep. The reference prints level n's subtree twice under
// each task of level n-1: its text doubles with every level.
Snapshot diamond(std::size_t levels) {
    SnapshotBuilder b;
    b.thread(1);
    for (std::size_t level = 0; level < levels; ++level) {
        for (std::size_t k = 0; k < 2; ++k) {
            std::vector<F> stack;
            if (level + 1 == levels) stack = {F{"sleep", "/t.py", 3}};
            b.task(diamond_id(level, k), fmt::format("L{}{}", level, "ab"[k]), stack);
            for (std::size_t j = 0; level > 0 && j < 2; ++j) {
                b.awaited_by(diamond_id(level - 1, j), {F{"level", "/d.py", 7}});
            }
        }
    }
    return b.build();
}

// Task i awaited by task i-1, with no frame between them: one line per task, each 4 columns
// deeper than the one before.
Snapshot chain(std::size_t depth) {
    SnapshotBuilder b;
    b.thread(1);
    for (std::size_t i = 0; i < depth; ++i) {
        b.task(0x1000 + i * 16, fmt::format("t{}", i));
        if (i > 0) b.awaited_by(0x1000 + (i - 1) * 16);
    }
    return b.build();
}

std::size_t count_lines(std::string_view text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::size_t count_of(std::string_view text, std::string_view what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string_view::npos;
         at = text.find(what, at + what.size())) {
        ++n;
    }
    return n;
}

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        lines.push_back(text.substr(0, end));
        text.remove_prefix(end + 1);
    }
    return lines;
}

// The line widths the printer uses (flag, escaped text, newline), for measure_full_tree.
FullTreeSize measure(const Snapshot& s) {
    const TaskIndex index(s);
    AwaitForest forest = build_await_forest(s, index);
    const LineBytes widths{
        [&](uint32_t o) { return uint64_t{4} + escape_text(index.at(o).name).size() + 1; },
        [&](uint32_t label) {
            return uint64_t{1} + escape_text(forest.labels.text(label)).size() + 1;
        }};
    return measure_full_tree(forest, index, widths);
}

// What a tree view prints, counted rather than kept.
struct Counted {
    uint64_t bytes = 0;
    int exit_code = 0;
};

Counted count_pstree(const Snapshot& s, const TreeBounds& bounds = {}) {
    Counted c;
    c.exit_code = render_pstree(
                      s, [&c](std::string_view piece) { c.bytes += piece.size(); }, bounds)
                      .exit_code;
    return c;
}

std::string pstree(const Snapshot& s, const TreeBounds& bounds) {
    std::string out;
    EXPECT_EQ(render_pstree(
                  s, [&out](std::string_view piece) { out.append(piece); }, bounds)
                  .exit_code,
              0);
    return out;
}

TEST(TreeBounds, DiamondOfThirtyEightTasksIsPrintedCompact) {
    const Snapshot s = diamond(19);
    // The reference's text: 2^18 copies of the bottom level, some hundreds of MB.
    EXPECT_GT(measure(s).bytes, uint64_t{300} << 20);

    const TreeOutput tree = render_pstree(s);
    EXPECT_EQ(tree.exit_code, 0);
    EXPECT_LT(tree.out.size(), std::size_t{16} << 10);
    // Each task in full once: its line, its `level` frame (the last level: its own `sleep`
    // frame); below each `level` frame, the two tasks of the next level, on the second task of
    // that level in full and on the second only as references.
    EXPECT_EQ(count_lines(tree.out), 38u + 38u + 36u);
    EXPECT_EQ(count_of(tree.out, " (see above)\n"), 36u);
    for (std::size_t level = 0; level < 19; ++level) {
        for (std::size_t k = 0; k < 2; ++k) {
            const std::string tag = level == 0 ? "" : fmt::format(" [{:#x}]", diamond_id(level, k));
            const std::string full = fmt::format("(T) L{}{}{}\n", level, "ab"[k], tag);
            EXPECT_EQ(count_of(tree.out, full), 1u) << full;
        }
    }
    // L18a's line is 36 levels deep: indented as 32 (the units of L0a and its frame, then of
    // L1a..L15a, which have a sibling below, and their frames), then the 4 levels left out.
    std::string l18a = "        ";
    for (int i = 0; i < 15; ++i) l18a += std::string(kBar) + "    ";
    l18a += "[+4] " + std::string(kMid) + "(T) L18a [0x1240]\n";
    EXPECT_EQ(count_of(tree.out, l18a), 1u) << l18a;
}

TEST(TreeBounds, TwentyThousandDeepChainIsPrintedCompact) {
    const Snapshot s = chain(20000);
    EXPECT_GT(measure(s).bytes, uint64_t{750} << 20);  // 4 more columns per line: 800 MB

    const TreeOutput tree = render_pstree(s);
    EXPECT_EQ(tree.exit_code, 0);
    EXPECT_LT(tree.out.size(), std::size_t{4} << 20);
    const std::vector<std::string_view> lines = lines_of(tree.out);
    ASSERT_EQ(lines.size(), 20000u);
    // Lines 0..32 as the reference prints them; from 33 on, indented as 32, with the levels
    // left out before the branch.
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string want =
            i <= 32 ? fmt::format("{}{}(T) t{}", std::string(4 * i, ' '), kLast, i)
                    : fmt::format("{}[+{}] {}(T) t{}", std::string(4 * 32, ' '), i - 32, kLast, i);
        ASSERT_EQ(lines[i], want) << "line " << i;
    }
}

TEST(TreeBounds, SmallDiamondJustPastTheBound) {
    const Snapshot s = diamond(4);
    const FullTreeSize full = measure(s);
    // Bounds cut to this diamond's size, and a cap of 4 levels. At the bound: the reference's
    // bytes.
    TreeBounds bounds{.full_bytes = full.bytes, .full_ratio = 1, .compact_depth = 4};
    EXPECT_EQ(pstree(s, bounds), render_pstree(s).out);
    EXPECT_EQ(render_pstree(s).out.size(), full.bytes);
    // One byte past it: compact, lines deeper than 4 levels indented as 4.
    bounds.full_bytes = full.bytes - 1;
    EXPECT_EQ(pstree(s, bounds),
              "└── (T) L0a\n"
              "    └──  level /d.py:7\n"
              "        ├── (T) L1a [0x1020]\n"
              "        │   └──  level /d.py:7\n"
              "        │       ├── (T) L2a [0x1040]\n"
              "        │       [+1] └──  level /d.py:7\n"
              "        │       [+2] ├── (T) L3a [0x1060]\n"
              "        │       [+3] └──  sleep /t.py:3\n"
              "        │       [+2] └── (T) L3b [0x1070]\n"
              "        │       [+3] └──  sleep /t.py:3\n"
              "        │       └── (T) L2b [0x1050]\n"
              "        │       [+1] └──  level /d.py:7\n"
              "        │       [+2] ├── (T) L3a [0x1060] (see above)\n"
              "        │       [+2] └── (T) L3b [0x1070] (see above)\n"
              "        └── (T) L1b [0x1030]\n"
              "            └──  level /d.py:7\n"
              "                ├── (T) L2a [0x1040] (see above)\n"
              "                └── (T) L2b [0x1050] (see above)\n"
              "└── (T) L0b\n"
              "    └──  level /d.py:7\n"
              "        ├── (T) L1a [0x1020] (see above)\n"
              "        └── (T) L1b [0x1030] (see above)\n");
}

TEST(TreeBounds, TheDefaultBoundIsTheReferencesSize) {
    // 16 levels of this diamond print 41 MB the reference's way, 17 print 83 MB: the first is
    // printed whole, the second compact.
    const Snapshot below = diamond(16);
    const Snapshot above = diamond(17);
    const uint64_t below_bytes = measure(below).bytes;
    ASSERT_LE(below_bytes, TreeBounds{}.full_bytes);
    ASSERT_GT(measure(above).bytes, TreeBounds{}.full_bytes);
    EXPECT_EQ(count_pstree(below).bytes, below_bytes);
    EXPECT_LT(count_pstree(above).bytes, uint64_t{16} << 10);
}

TEST(TreeBounds, WideTreesArePrintedWholePastTheByteBound) {
    // 100,000 tasks under one TaskGroup, each awaited also by a watchdog task: more than 64 MiB
    // the reference's way, but not four times the compact tree, so printed whole.
    SnapshotBuilder b;
    b.thread(1).task(0x10, "main", {F{"main", "/m.py", 1}});
    b.task(0x20, "watchdog", {F{"watch", "/w.py", 2}});
    const std::string pad(300, 'p');
    for (uint64_t i = 0; i < 100000; ++i) {
        b.task(0x100 + i * 16, fmt::format("worker-{}", i), {F{"work", "/srv/" + pad + ".py", 3}})
            .awaited_by(
                0x10, {F{"TaskGroup._aexit", "/asyncio/taskgroups.py", 121}, F{"main", "/m.py", 1}})
            .awaited_by(0x20, {F{"watch", "/w.py", 2}});
    }
    const Snapshot s = b.build();
    const FullTreeSize full = measure(s);
    ASSERT_GT(full.bytes, TreeBounds{}.full_bytes);
    EXPECT_TRUE(full.any_repeated);
    EXPECT_EQ(count_pstree(s).bytes, full.bytes);
}

// --- The measure and the compact tree against the printed reference tree, on random forests.

// Acyclic: task i is awaited only by tasks before it (or by ids that are no task). Shared
// children, frames of equal text, tasks that await nothing with stacks of their own, names that
// repeat.
Snapshot random_forest(std::mt19937& rng) {
    const auto pick = [&rng](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    };
    const auto stack = [&] {
        std::vector<F> frames;
        for (std::size_t n = pick(4); n > 0; --n) {
            frames.push_back(F{fmt::format("f{}", pick(3)), fmt::format("/m{}.py", pick(2)),
                               static_cast<int32_t>(pick(3))});
        }
        return frames;
    };
    SnapshotBuilder b;
    b.thread(1);
    const std::size_t tasks = 1 + pick(24);
    for (std::size_t t = 0; t < tasks; ++t) {
        b.task(0x100 + 0x10 * t, fmt::format("n{}", pick(tasks)), stack());
        for (std::size_t a = t == 0 ? 0 : pick(4); a > 0; --a) {
            b.awaited_by(pick(10) == 0 ? 0x9000 : 0x100 + 0x10 * pick(t), stack());
        }
    }
    return b.build();
}

// A printed tree read back: each node's text and children.
struct Node {
    std::string text;
    std::vector<std::unique_ptr<Node>> kids;
};

// Parses a tree view: depth = prefix units, plus N for a `[+N] ` mark.
std::vector<std::unique_ptr<Node>> parse(std::string_view text) {
    std::vector<std::unique_ptr<Node>> roots;
    std::vector<Node*> path;
    for (std::string_view line : lines_of(text)) {
        std::size_t depth = 0;
        for (;;) {
            if (line.starts_with("    ")) {
                line.remove_prefix(4);
            } else if (line.starts_with(kBar)) {
                line.remove_prefix(kBar.size());
            } else {
                break;
            }
            ++depth;
        }
        if (line.starts_with("[+")) {
            const std::size_t close = line.find("] ");
            depth += std::stoul(std::string(line.substr(2, close - 2)));
            line.remove_prefix(close + 2);
        }
        EXPECT_TRUE(line.starts_with(kLast) || line.starts_with(kMid)) << line;
        line.remove_prefix(kLast.size());
        auto node = std::make_unique<Node>();
        node->text = std::string(line);
        path.resize(depth);
        Node* raw = node.get();
        if (depth == 0) {
            roots.push_back(std::move(node));
        } else {
            path.back()->kids.push_back(std::move(node));
        }
        path.push_back(raw);
    }
    return roots;
}

// The compact tree expanded back: every reference replaced by its task's subtree, ids removed.
void expand(Node& node, std::map<std::string, const Node*>& full) {
    std::string& t = node.text;
    const bool again = t.ends_with(" (see above)");
    if (again) t.resize(t.size() - std::string_view(" (see above)").size());
    const std::size_t tag = t.rfind(" [0x");
    if (tag != std::string::npos && t.ends_with("]")) {
        const std::string id = t.substr(tag);
        t.resize(tag);
        if (again) {
            const Node* first = full.at(id);
            for (const auto& kid : first->kids) {
                node.kids.push_back(std::make_unique<Node>());
                node.kids.back()->text = kid->text;
                // The first one is expanded already: copy it whole.
                std::vector<std::pair<const Node*, Node*>> todo{
                    {kid.get(), node.kids.back().get()}};
                while (!todo.empty()) {
                    auto [from, to] = todo.back();
                    todo.pop_back();
                    for (const auto& k : from->kids) {
                        to->kids.push_back(std::make_unique<Node>());
                        to->kids.back()->text = k->text;
                        todo.push_back({k.get(), to->kids.back().get()});
                    }
                }
            }
            return;
        }
        full[id] = &node;
    } else {
        EXPECT_FALSE(again) << "a reference without an id: " << t;
    }
    for (auto& kid : node.kids) expand(*kid, full);
}

// tools.py's `render`.
void print(const Node& node, const std::string& prefix, bool last, std::string& out) {
    out += prefix + std::string(last ? kLast : kMid) + node.text + "\n";
    const std::string deeper = prefix + (last ? "    " : std::string(kBar));
    for (std::size_t i = 0; i < node.kids.size(); ++i) {
        print(*node.kids[i], deeper, i + 1 == node.kids.size(), out);
    }
}

TEST(TreeBounds, RandomForestsMeasureAndExpandToTheReferenceTree) {
    std::mt19937 rng(20261203);
    int compacted = 0, capped = 0;
    for (int round = 0; round < 3000; ++round) {
        const Snapshot s = random_forest(rng);
        if (!find_await_cycles(TaskIndex(s)).empty()) continue;
        const std::string whole = render_pstree(s).out;
        const FullTreeSize full = measure(s);
        ASSERT_EQ(full.bytes, whole.size()) << "round " << round;
        ASSERT_EQ(full.lines, count_lines(whole)) << "round " << round;

        {
            const TaskIndex index(s);
            const AwaitForest forest = build_await_forest(s, index);
            if (compact_is_full(forest, index, 3)) {
                ASSERT_FALSE(full.any_repeated || full.depth > 3) << "round " << round;
            }
        }
        // Always compact, capped at 3 levels.
        const TreeBounds tight{.full_bytes = 0, .full_ratio = 1, .compact_depth = 3};
        const std::string compact = pstree(s, tight);
        const bool differs = full.any_repeated || full.depth > 3;
        if (!differs || compact.size() >= whole.size()) {
            ASSERT_EQ(compact, whole) << "round " << round;
            continue;
        }
        ASSERT_LE(full.compact_floor, compact.size()) << "round " << round;
        compacted += full.any_repeated;
        capped += full.depth > 3;
        std::map<std::string, const Node*> first;
        std::vector<std::unique_ptr<Node>> roots = parse(compact);
        std::string expanded;
        for (auto& root : roots) expand(*root, first);
        for (const auto& root : roots) print(*root, "", true, expanded);
        ASSERT_EQ(expanded, whole) << "round " << round << "\n" << compact;
    }
    EXPECT_GT(compacted, 300);
    EXPECT_GT(capped, 300);
}

}  // namespace
}  // namespace aps::render::test
