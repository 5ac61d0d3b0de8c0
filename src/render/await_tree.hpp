// The pstree forest, built exactly as tools.py `_build_tree` + `_roots`: task nodes, coroutine
// nodes de-duplicated by label under each parent, roots in id2name order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aps/snapshot.hpp"
#include "render/task_index.hpp"

namespace aps::render {

struct AwaitForest {
    static constexpr uint32_t kNone = UINT32_MAX;

    struct Node {
        bool is_task = false;
        // Task node: position in TaskIndex::ids(), or kNone for an awaiter that is not a known
        // task (such nodes are never reachable from a root). Coroutine node: index in labels.
        uint32_t label = kNone;
        uint32_t first_edge = kNone;
        uint32_t last_edge = kNone;
    };

    std::vector<Node> nodes;
    std::vector<uint32_t> edge_child;  // children lists as linked edges (a task node can be the
    std::vector<uint32_t> edge_next;   // child of several parents, so no per-node sibling link)
    std::vector<std::string> labels;   // raw frame texts, each distinct text once
    std::vector<uint32_t> roots;
};

// Requires an acyclic await graph (check with find_await_cycles first).
AwaitForest build_await_forest(const Snapshot& snapshot, const TaskIndex& index);

}  // namespace aps::render
