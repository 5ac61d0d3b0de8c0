// Building the pstree forest (tools.py `_build_tree`, `_roots`).
#include "render/await_tree.hpp"

#include <span>

#include "render/frame_text.hpp"

namespace aps::render {
namespace {

constexpr uint32_t kNone = UINT32_MAX;

uint64_t pair_key(uint32_t a, uint32_t b) {
    return (uint64_t{a} << 32) | b;
}

}  // namespace

uint32_t FrameLabels::label_of(const Frame& frame) {
    const uint64_t key = pair_key(frame.code, static_cast<uint32_t>(frame.line));
    if (const uint32_t label = by_frame_.find(key, kNone); label != kNone) return label;
    std::string text = frame_text(code_of(snapshot_, frame), frame);
    const auto [it, inserted] = by_text_.try_emplace(text, static_cast<uint32_t>(texts_.size()));
    if (inserted) texts_.push_back(std::move(text));
    by_frame_.try_emplace(key, it->second);
    return it->second;
}

AwaitForest build_await_forest(const Snapshot& snapshot, const TaskIndex& index) {
    AwaitForest f(snapshot);
    const auto tasks = static_cast<uint32_t>(index.size());
    f.tasks = tasks;
    std::vector<char> is_child(tasks, 0);

    // Every append to a children list, (parent node, child node), in the reference's order:
    // awaiter task → its frames, outermost first → the awaited task.
    // Reserved for the worst case (no frame shared): pages past the used part are never touched.
    std::vector<uint64_t> links;
    links.reserve(index.awaits() + index.task_awaiter_frames());
    IdMap coro_node;                 // (parent node, label) → coroutine node
    uint64_t last_key = UINT64_MAX;  // consecutive edges mostly share their awaiter's frames
    uint32_t last_node = kNone;
    index.for_each_await([&](const Task&, uint32_t child, const Awaiter& awaiter, uint32_t parent) {
        is_child[child] = 1;
        // An awaiter that is not a task of the snapshot is no root and no task's child: nothing
        // below it is printed.
        if (parent == TaskIndex::kUnknown) return;
        uint32_t cur = parent;
        const std::span<const Frame> frames = snapshot.frames_of(awaiter);
        for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
            const uint32_t label = f.labels.label_of(*it);
            const uint64_t key = pair_key(cur, label);
            if (key != last_key) {
                const auto [node, inserted] =
                    coro_node.try_emplace(key, tasks + static_cast<uint32_t>(f.coro_label.size()));
                if (inserted) {
                    f.coro_label.push_back(label);
                    links.push_back(pair_key(cur, node));
                }
                last_key = key;
                last_node = node;
            }
            cur = last_node;
        }
        links.push_back(pair_key(cur, child));
    });

    // Children lists: a stable counting sort of the links by parent.
    const std::size_t nodes = tasks + f.coro_label.size();
    f.child_begin.assign(nodes + 1, 0);
    for (const uint64_t link : links) ++f.child_begin[(link >> 32) + 1];
    for (std::size_t n = 0; n < nodes; ++n) f.child_begin[n + 1] += f.child_begin[n];
    f.children.resize(links.size());
    for (const uint64_t link : links) {
        f.children[f.child_begin[link >> 32]++] = static_cast<uint32_t>(link);
    }
    for (std::size_t n = nodes; n > 0; --n) f.child_begin[n] = f.child_begin[n - 1];
    f.child_begin[0] = 0;
    std::vector<uint64_t>().swap(links);

    // A task is listed once under the same parent (`if child_key not in children[cur]`).
    {
        std::vector<uint32_t> listed_under(tasks, kNone);
        uint32_t kept = 0;
        for (std::size_t n = 0; n < nodes; ++n) {
            const uint32_t begin = f.child_begin[n], end = f.child_begin[n + 1];
            f.child_begin[n] = kept;
            for (uint32_t i = begin; i < end; ++i) {
                const uint32_t c = f.children[i];
                if (c < tasks) {
                    if (listed_under[c] == n) continue;
                    listed_under[c] = static_cast<uint32_t>(n);
                }
                f.children[kept++] = c;
            }
        }
        f.child_begin[nodes] = kept;
        f.children.resize(kept);
    }

    for (uint32_t o = 0; o < tasks; ++o) {
        if (!is_child[o]) f.roots.push_back(o);
    }
    return f;
}

}  // namespace aps::render
