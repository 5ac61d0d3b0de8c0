// Building the pstree forest (tools.py `_build_tree`, `_roots`).
#include "render/await_tree.hpp"

#include <string_view>
#include <unordered_map>

#include "render/frame_text.hpp"
#include "render/id_map.hpp"

namespace aps::render {
namespace {

constexpr uint32_t kNone = AwaitForest::kNone;

uint64_t pair_key(uint32_t a, uint32_t b) {
    return (uint64_t{a} << 32) | b;
}

class ForestBuilder {
  public:
    ForestBuilder(const Snapshot& snapshot, const TaskIndex& index)
        : snapshot_(snapshot),
          index_(index),
          task_node_(index.ids().size()),
          coro_node_(index.awaits().size()),
          child_edges_(index.awaits().size()) {
        const std::size_t tasks = index.ids().size();
        // Upper bounds, so that the million-entry vectors never grow (and never hold two copies).
        std::size_t nodes = tasks + index.awaits().size();  // + unknown awaiter task nodes
        for (const AwaitEdge& edge : index.awaits()) nodes += edge.stack->size();
        for (std::size_t i = 0; i < tasks; ++i) nodes += index.at(i).frames.size();
        f_.nodes.reserve(nodes);
        f_.edge_child.reserve(nodes + index.awaits().size());
        f_.edge_next.reserve(nodes + index.awaits().size());
        f_.nodes.resize(tasks);  // node i is the task at position i of id2name
        for (std::size_t i = 0; i < tasks; ++i) {
            f_.nodes[i].is_task = true;
            f_.nodes[i].label = static_cast<uint32_t>(i);
            task_node_.try_emplace(index.ids()[i], static_cast<uint32_t>(i));
        }
        is_child_.assign(tasks, 0);
    }

    AwaitForest build() {
        // Edges: awaiter task → its frames, outermost first → the awaited task.
        std::vector<char> is_awaiter(index_.ids().size(), 0);
        for (const AwaitEdge& edge : index_.awaits()) {
            uint32_t cur = task_node(edge.parent);
            if (cur < is_awaiter.size()) is_awaiter[cur] = 1;
            for (auto it = edge.stack->rbegin(); it != edge.stack->rend(); ++it) {
                cur = coro_child(cur, label_of(*it));
            }
            const uint32_t child = task_node(edge.child);
            if (child_edges_.try_emplace(pair_key(cur, child), 0).second) add_edge(cur, child);
        }
        // Tasks that await nothing show their own stack below them.
        for (std::size_t i = 0; i < index_.ids().size(); ++i) {
            if (is_awaiter[i]) continue;
            // A task that awaits nothing has no children yet, and each node of its own stack is
            // new: no de-duplication (and no map entry) is needed on the way down.
            const std::vector<Frame>& frames = index_.at(i).frames;
            uint32_t cur = static_cast<uint32_t>(i);
            for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
                cur = new_coro_child(cur, label_of(*it));
            }
        }
        for (std::size_t i = 0; i < index_.ids().size(); ++i) {
            if (!is_child_[i]) f_.roots.push_back(static_cast<uint32_t>(i));
        }
        return std::move(f_);
    }

  private:
    uint32_t task_node(uint64_t id) {
        const auto [node, inserted] =
            task_node_.try_emplace(id, static_cast<uint32_t>(f_.nodes.size()));
        if (inserted) f_.nodes.push_back(AwaitForest::Node{true, kNone, kNone, kNone});
        return node;
    }

    uint32_t coro_child(uint32_t parent, uint32_t label) {
        const auto [node, inserted] =
            coro_node_.try_emplace(pair_key(parent, label), static_cast<uint32_t>(f_.nodes.size()));
        if (inserted) {
            f_.nodes.push_back(AwaitForest::Node{false, label, kNone, kNone});
            add_edge(parent, node);
        }
        return node;
    }

    uint32_t new_coro_child(uint32_t parent, uint32_t label) {
        const auto node = static_cast<uint32_t>(f_.nodes.size());
        f_.nodes.push_back(AwaitForest::Node{false, label, kNone, kNone});
        add_edge(parent, node);
        return node;
    }

    void add_edge(uint32_t parent, uint32_t child) {
        const auto edge = static_cast<uint32_t>(f_.edge_child.size());
        f_.edge_child.push_back(child);
        f_.edge_next.push_back(kNone);
        AwaitForest::Node& p = f_.nodes[parent];
        if (p.last_edge == kNone) {
            p.first_edge = edge;
        } else {
            f_.edge_next[p.last_edge] = edge;
        }
        p.last_edge = edge;
        if (child < is_child_.size()) is_child_[child] = 1;
    }

    // Frames with equal text share a label, whatever their code object.
    uint32_t label_of(const Frame& frame) {
        const uint64_t key = pair_key(frame.code, static_cast<uint32_t>(frame.line));
        if (const uint32_t label = frame_label_.find(key, kNone); label != kNone) return label;
        std::string text = frame_text(code_of(snapshot_, frame), frame);
        const auto [it, inserted] =
            label_by_text_.try_emplace(text, static_cast<uint32_t>(f_.labels.size()));
        if (inserted) f_.labels.push_back(std::move(text));
        frame_label_.try_emplace(key, it->second);
        return it->second;
    }

    const Snapshot& snapshot_;
    const TaskIndex& index_;
    AwaitForest f_;
    std::vector<char> is_child_;
    IdMap task_node_;
    IdMap coro_node_;    // (parent, label) → node
    IdMap child_edges_;  // (parent, task child) → 0, when present
    IdMap frame_label_;  // (code, line) → label
    std::unordered_map<std::string, uint32_t> label_by_text_;
};

}  // namespace

AwaitForest build_await_forest(const Snapshot& snapshot, const TaskIndex& index) {
    return ForestBuilder(snapshot, index).build();
}

}  // namespace aps::render
