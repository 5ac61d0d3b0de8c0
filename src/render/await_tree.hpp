// The pstree forest, built exactly as tools.py `_build_tree` + `_roots`: task nodes, coroutine
// nodes de-duplicated by label under each parent, roots in id2name order; children lists in one
// CSR pair of arrays. A task that awaits nothing keeps its own stack in the snapshot: that chain
// of coroutine nodes is printed from the frames instead of being stored.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "aps/snapshot.hpp"
#include "render/id_map.hpp"
#include "render/task_index.hpp"

namespace aps::render {

// Frame texts as the tree shows them: frames with equal text share one label, whatever their
// code object.
class FrameLabels {
  public:
    explicit FrameLabels(const Snapshot& snapshot) : snapshot_(snapshot) {}

    uint32_t label_of(const Frame& frame);
    std::size_t size() const { return texts_.size(); }
    const std::string& text(uint32_t label) const { return texts_[label]; }  // raw, unescaped

  private:
    const Snapshot& snapshot_;
    IdMap by_frame_;  // (code, line) → label
    std::unordered_map<std::string, uint32_t> by_text_;
    std::vector<std::string> texts_;
};

struct AwaitForest {
    explicit AwaitForest(const Snapshot& snapshot) : labels(snapshot) {}

    // Nodes [0, tasks) are the tasks by TaskIndex ordinal, the rest are coroutine nodes.
    uint32_t tasks = 0;
    std::vector<uint32_t> coro_label;   // (node - tasks) → label
    std::vector<uint32_t> child_begin;  // children of node n: children[child_begin[n]..[n + 1])
    std::vector<uint32_t> children;
    std::vector<uint32_t> roots;  // task ordinals
    FrameLabels labels;

    bool is_task(uint32_t node) const { return node < tasks; }
    // A task node without children awaits nothing: below it comes its own stack (outermost
    // frame first), one coroutine node per frame, each the only child of the one before.
    bool shows_own_stack(uint32_t node) const {
        return node < tasks && child_begin[node] == child_begin[node + 1];
    }
};

// Requires an acyclic await graph (check with find_await_cycles first).
AwaitForest build_await_forest(const Snapshot& snapshot, const TaskIndex& index);

}  // namespace aps::render
