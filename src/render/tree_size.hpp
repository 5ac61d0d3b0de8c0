// The size of the pstree forest printed the reference's way (every task under every task that
// awaits it, indentation without end), measured without printing it: it can be exponentially
// larger than the forest. One iterative post-order pass over the forest, each task measured
// once: a subtree of L lines and B bytes takes B + p * L bytes under a prefix of p bytes, wherever
// it is printed.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "render/await_tree.hpp"
#include "render/task_index.hpp"

namespace aps::render {

// The bytes of one line after its prefix and branch, newline included.
struct LineBytes {
    std::function<uint64_t(uint32_t ordinal)> task;
    std::function<uint64_t(uint32_t label)> coroutine;  // by FrameLabels label
};

struct FullTreeSize {
    uint64_t bytes = 0;  // saturates at UINT64_MAX
    uint64_t lines = 0;  // saturates at UINT64_MAX
    uint64_t depth = 0;  // of the deepest line; a root's line has depth 0
    // At most the bytes of the compact tree: each of its lines without prefix or marks (a task
    // in full once, once more for each other parent; every other node once).
    uint64_t compact_floor = 0;
    // By task ordinal: the task is listed under two parents or more (it is printed on more than
    // one line, with what it awaits).
    std::vector<char> repeated;
    bool any_repeated = false;
};

// Whether the compact tree would print as the reference's: no task listed under two parents, no
// line deeper than `depth`. A cheap pass (no text, no labels, a stack of at most depth + 2
// entries) that spares measuring the usual tree. Requires an acyclic forest.
bool compact_is_full(const AwaitForest& forest, const TaskIndex& index, uint64_t depth);

// Requires an acyclic forest (build_await_forest after find_await_cycles). Labels the frames of
// the tasks that show their own stack (forest.labels grows as the printer's would).
FullTreeSize measure_full_tree(AwaitForest& forest, const TaskIndex& index,
                               const LineBytes& line_bytes);

}  // namespace aps::render
