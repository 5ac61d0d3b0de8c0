// The compact render structures (ordinal index, CSR forest, own stacks printed from the
// snapshot, the acyclicity shortcut, ps cells kept from the row before) against plain models of
// tools.py (`_index` + `_build_tree` + `_roots` + `render` with maps and recursion, and
// `build_task_table` cell by cell), over thousands of small random snapshots with repeated ids,
// unknown awaiters, shared children and frames of equal text.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "aps/render.hpp"
#include "render/cycles.hpp"
#include "render/escape.hpp"
#include "render/frame_text.hpp"
#include "render/py_format.hpp"
#include "render/task_index.hpp"
#include "snapshot_builder.hpp"

namespace aps::render::test {
namespace {

// tools.py's tree, node for node: keys are (is_task, id or coroutine number).
class ModelTree {
  public:
    explicit ModelTree(const Snapshot& s) : s_(s) {
        for (const Interpreter& interp : s.interpreters) {
            for (const Thread& thread : interp.threads) {
                for (const Task& task : thread.tasks) {
                    if (!name_.count(task.id)) order_.push_back(task.id);
                    name_[task.id] = task.name;
                    stack_[task.id] = s.frames_of(task);
                    for (const Awaiter& a : s.awaiters_of(task)) {
                        awaits_.push_back({a.id, s.frames_of(a), task.id});
                    }
                }
            }
        }
    }

    std::string render() {
        for (const Await& a : awaits_) {
            Key cur{true, a.parent};
            for (auto it = a.stack.rbegin(); it != a.stack.rend(); ++it) cur = coro(cur, *it);
            std::vector<Key>& kids = children_[cur];
            const Key child{true, a.child};
            bool present = false;
            for (const Key& k : kids) present = present || k == child;
            if (!present) kids.push_back(child);
        }
        std::map<uint64_t, bool> awaiting;
        for (const Await& a : awaits_) awaiting[a.parent] = true;
        for (const uint64_t id : order_) {
            if (awaiting.count(id)) continue;
            Key cur{true, id};
            for (auto it = stack_[id].rbegin(); it != stack_[id].rend(); ++it) {
                cur = coro(cur, *it);
            }
        }
        std::map<Key, bool> is_child;
        for (const auto& [parent, kids] : children_) {
            for (const Key& k : kids) is_child[k] = true;
        }
        std::string out;
        for (const uint64_t id : order_) {
            if (!is_child.count(Key{true, id})) print(out, Key{true, id}, "", true);
        }
        return out;
    }

  private:
    using Key = std::pair<bool, uint64_t>;
    struct Await {
        uint64_t parent;
        std::span<const Frame> stack;
        uint64_t child;
    };

    Key coro(const Key& parent, const Frame& frame) {
        const std::string text = frame_text(code_of(s_, frame), frame);
        auto& by_text = coro_nodes_[parent];
        if (auto it = by_text.find(text); it != by_text.end()) return it->second;
        const Key node{false, label_.size()};
        label_.push_back(text);
        children_[parent].push_back(node);
        by_text[text] = node;
        return node;
    }

    void print(std::string& out, const Key& node, const std::string& prefix, bool last) {
        out += prefix;
        out += last ? "\u2514\u2500\u2500 " : "\u251c\u2500\u2500 ";
        out += node.first ? "(T) " : " ";
        out += escape_text(node.first ? name_[node.second] : label_[node.second]);
        out += '\n';
        const std::vector<Key> kids = children_[node];
        for (std::size_t i = 0; i < kids.size(); ++i) {
            const std::string indent = prefix + (last ? "    " : "\u2502   ");
            print(out, kids[i], indent, i + 1 == kids.size());
        }
    }

    const Snapshot& s_;
    std::vector<uint64_t> order_;
    std::map<uint64_t, std::string> name_;
    std::map<uint64_t, std::span<const Frame>> stack_;
    std::vector<Await> awaits_;
    std::map<Key, std::vector<Key>> children_;
    std::map<Key, std::map<std::string, Key>> coro_nodes_;
    std::vector<std::string> label_;
};

// The generators' random choices: a number below n, and a stack of up to 3 frames from a pool in
// which two different code objects print the same text.
struct Dice {
    std::mt19937& rng;
    const std::vector<F> pool = {F{"a", "/a.py", 1}, F{"a", "/a.py", 2}, F{"b", "/b.py", 1},
                                 F{"g", "/x.py:1"},  F{"g", "/x.py", 1}, F{"c", "~"},
                                 F{"d", "", 0}};
    std::size_t pick(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
    }
    std::vector<F> stack() {
        std::vector<F> frames;
        for (std::size_t i = pick(4); i > 0; --i) frames.push_back(pool[pick(pool.size())]);
        return frames;
    }
};

// Up to 14 tasks over 16 possible ids (some repeat) in threads (some empty) and interpreters,
// awaiters among them and 3 ids that are no task, stacks from a pool where two different code
// objects print the same text.
Snapshot random_snapshot(std::mt19937& rng) {
    Dice dice{rng};
    auto pick = [&dice](std::size_t n) { return dice.pick(n); };
    auto stack = [&dice] { return dice.stack(); };
    SnapshotBuilder b;
    b.thread(1);
    const std::size_t tasks = 1 + pick(14);
    const std::size_t ids = 2 + pick(15);
    for (std::size_t t = 0; t < tasks; ++t) {
        if (t > 0 && pick(6) == 0) {
            if (pick(4) == 0) b.interpreter();
            if (pick(3) == 0) b.thread(900 + t);  // left empty
            b.thread(t);
        }
        const uint64_t id = 0x100 + 0x10 * pick(ids);
        b.task(id, fmt::format("t{}{}", t, pick(8) == 0 ? "\n" : ""), stack());
        for (std::size_t a = pick(pick(3) == 0 ? 4 : 2); a > 0; --a) {
            const uint64_t awaiter = pick(8) == 0 ? 0x9000 + pick(3) : 0x100 + 0x10 * pick(ids);
            b.awaited_by(awaiter, stack());
        }
    }
    return b.build();
}

TEST(ForestModel, RandomSnapshotsPrintAsToolsPyWould) {
    std::mt19937 rng(20261126);
    int acyclic = 0, cyclic = 0, repeated = 0;
    for (int round = 0; round < 4000; ++round) {
        const Snapshot s = random_snapshot(rng);
        const TaskIndex index(s);
        const std::vector<Cycle> exact = find_await_cycles_exact(index);
        ASSERT_EQ(find_await_cycles(index), exact) << "round " << round;
        const TreeOutput tree = render_pstree(s);
        repeated += index.has_duplicates();
        if (!exact.empty()) {
            ++cyclic;
            EXPECT_EQ(tree.exit_code, 1);
            EXPECT_EQ(tree.err, format_cycle_report(exact, index));
            continue;
        }
        ++acyclic;
        ASSERT_EQ(tree.exit_code, 0);
        ASSERT_EQ(tree.out, ModelTree(s).render()) << "round " << round;
    }
    // The generator must reach every kind of graph it is meant to.
    EXPECT_GT(acyclic, 500);
    EXPECT_GT(cyclic, 500);
    EXPECT_GT(repeated, 500);
}

// tools.py `build_task_table` row by row, every cell computed afresh.
std::string model_ps(const Snapshot& s) {
    std::map<uint64_t, std::string> name;
    for (const Interpreter& interp : s.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) name[task.id] = task.name;
        }
    }
    const auto chain = [&s](std::span<const Frame> frames) {
        std::string out;
        for (std::size_t i = 0; i < frames.size(); ++i) {
            if (i != 0) out += " -> ";
            out += escape_text(code_of(s, frames[i]).function);
        }
        return out;
    };
    const auto row = [](std::string& out, const std::vector<std::string>& cells) {
        const std::size_t widths[] = {10, 20, 20, 50, 50, 15, 15};
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i != 0) out += ' ';
            append_ljust(out, cells[i], widths[i]);
        }
        out += '\n';
    };
    std::string out;
    row(out, {"tid", "task id", "task name", "coroutine stack", "awaiter chain", "awaiter name",
              "awaiter id"});
    out += std::string(180, '-') + "\n";
    for (const Interpreter& interp : s.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                const std::string tid = std::to_string(thread.tid);
                if (task.awaited_by.empty()) {
                    row(out, {tid, py_hex(task.id), escape_text(task.name),
                              chain(s.frames_of(task)), "", "", "0x0"});
                }
                for (const Awaiter& a : s.awaiters_of(task)) {
                    const auto it = name.find(a.id);
                    row(out,
                        {tid, py_hex(task.id), escape_text(task.name), chain(s.frames_of(task)),
                         chain(s.frames_of(a)),
                         it == name.end() ? "Unknown" : escape_text(it->second), py_hex(a.id)});
                }
            }
        }
    }
    return out;
}

TEST(ForestModel, RandomSnapshotsTabulateAsToolsPyWould) {
    std::mt19937 rng(20261127);
    for (int round = 0; round < 2000; ++round) {
        const Snapshot s = random_snapshot(rng);
        ASSERT_EQ(render_ps(s), model_ps(s)) << "round " << round;
    }
}

// Threads of thousands of tasks, and a task awaited 12,000 times: the table is made in blocks of
// about 1 MiB of rows of one thread, on two threads, each block starting at its own row and await
// edge (inside that task's rows too); empty and one-task threads between.
Snapshot big_snapshot(std::mt19937& rng) {
    Dice dice{rng};
    auto pick = [&dice](std::size_t n) { return dice.pick(n); };
    auto stack = [&dice] { return dice.stack(); };
    const std::size_t sizes[] = {9000 + pick(500), 4096, 0, 1, 4097 + pick(3), 300};
    const std::size_t ids = 30000;  // a few ids repeat
    SnapshotBuilder b;
    for (std::size_t t = 0; t < std::size(sizes); ++t) {
        if (t == 3) b.interpreter();
        b.thread(100 + t);
        for (std::size_t n = 0; n < sizes[t]; ++n) {
            b.task(0x100 + 0x10 * pick(ids), fmt::format("t{}-{}", t, n), stack());
            for (std::size_t a = pick(4) == 0 ? pick(4) : 0; a > 0; --a) {
                const uint64_t awaiter = pick(8) == 0 ? 0x9000 + pick(3) : 0x100 + 0x10 * pick(ids);
                b.awaited_by(awaiter, stack());
            }
        }
    }
    b.thread(200).task(0x50, "shared", stack());
    for (std::size_t a = 0; a < 12000; ++a) b.awaited_by(0x100 + 0x10 * pick(ids), stack());
    return b.build();
}

TEST(ForestModel, BigTablesMadeOnTwoThreadsTabulateAsToolsPyWould) {
    std::mt19937 rng(20261128);
    for (int round = 0; round < 4; ++round) {
        const Snapshot s = big_snapshot(rng);
        ASSERT_EQ(render_ps(s), model_ps(s)) << "round " << round;
    }
}

TEST(ForestModel, IndexKeepsFirstPositionAndLastTask) {
    SnapshotBuilder b;
    b.thread(1).task(0x10, "first").task(0x20, "b").awaited_by(0x10).awaited_by(0x99);
    b.thread(2).task(0x10, "second").task(0x30, "c");
    const Snapshot s = b.build();
    const TaskIndex index(s);
    ASSERT_EQ(index.size(), 3u);
    EXPECT_TRUE(index.has_duplicates());
    EXPECT_EQ(index.at(0).name, "second");
    EXPECT_EQ(index.ordinal(0x30), 2u);
    EXPECT_EQ(index.ordinal_at(2), 0u);
    EXPECT_EQ(index.ordinal_at(3), 2u);
    EXPECT_EQ(index.ordinal(0x99), TaskIndex::kUnknown);
    EXPECT_EQ(index.find(0x99), nullptr);
    ASSERT_EQ(index.awaits(), 2u);
    EXPECT_EQ(index.awaiter(0), 0u);
    EXPECT_EQ(index.awaiter(1), TaskIndex::kUnknown);
}

}  // namespace
}  // namespace aps::render::test
