// Linear task stacks for aps dump --async-aware (see task_stacks.hpp).
#include "render/task_stacks.hpp"

#include <algorithm>
#include <deque>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "render/py_set_order.hpp"

namespace aps::render {
namespace {

// One task as the reference's list gives it: the thread whose list holds it, and its frames
// (for a running task, the thread's frames down to its coroutine).
struct Listed {
    const Task* task = nullptr;
    uint64_t tid = 0;
    std::span<const Frame> frames;
};

// The leaves in the order the reference's `all_task_ids - all_parent_ids` yields them: CPython's
// set difference copies the left set and discards when it is more than four times the size of
// the right one, and otherwise adds the survivors to a new set in the left set's order.
std::vector<uint64_t> leaves_in_set_order(const std::vector<uint64_t>& task_ids_in_order,
                                          const std::unordered_set<uint64_t>& parents) {
    PyIntSet all;
    for (uint64_t id : task_ids_in_order) all.add(id);
    std::vector<uint64_t> order;
    if ((all.size() >> 2) > parents.size()) {
        all.copied().append_in_iteration_order(order);
        std::erase_if(order, [&](uint64_t id) { return parents.contains(id); });
        return order;
    }
    std::vector<uint64_t> all_order;
    all.append_in_iteration_order(all_order);
    PyIntSet leaves;
    for (uint64_t id : all_order) {
        if (!parents.contains(id)) leaves.add(id);
    }
    leaves.append_in_iteration_order(order);
    return order;
}

std::vector<TaskStack> linear_stacks(const Snapshot& snapshot, const std::vector<Listed>& listed) {
    // _build_task_graph: the last listing of an id wins; each awaited task's chosen awaiter.
    std::unordered_map<uint64_t, const Listed*> by_id;
    std::unordered_map<uint64_t, std::pair<uint64_t, uint32_t>> parent_of;  // (chosen, count)
    std::vector<uint64_t> ids;
    std::unordered_set<uint64_t> seen, parents;
    for (const Listed& l : listed) {
        const uint64_t id = l.task->id;
        by_id[id] = &l;
        if (seen.insert(id).second) ids.push_back(id);
        const auto awaiters = snapshot.awaiters_of(*l.task);
        if (!awaiters.empty()) {
            uint64_t chosen = awaiters.front().id;
            for (const Awaiter& a : awaiters) {
                parents.insert(a.id);
                if (awaiters.size() > 1) chosen = std::min(chosen, a.id);
            }
            parent_of[id] = {chosen, static_cast<uint32_t>(awaiters.size())};
        } else {
            parent_of.erase(id);
        }
    }

    std::vector<TaskStack> out;
    for (uint64_t leaf : leaves_in_set_order(ids, parents)) {
        TaskStack stack;
        stack.leaf = leaf;
        bool has_thread = false;
        std::unordered_set<uint64_t> visited;
        // Bounded by the number of distinct tasks: each is visited once.
        for (uint64_t current = leaf;;) {
            if (!visited.insert(current).second) break;
            auto it = by_id.find(current);
            if (it == by_id.end()) break;
            const Listed& l = *it->second;
            if (!has_thread) {
                stack.tid = l.tid;
                has_thread = true;
            }
            for (const Frame& f : l.frames) stack.entries.push_back({&f, nullptr, 0});
            auto parent = parent_of.find(current);
            if (parent == parent_of.end()) {
                stack.entries.push_back({nullptr, l.task, 0});
                break;
            }
            stack.entries.push_back({nullptr, l.task, parent->second.second});
            current = parent->second.first;
        }
        if (has_thread && !stack.entries.empty()) out.push_back(std::move(stack));
    }
    return out;
}

}  // namespace

std::vector<TaskStack> all_task_stacks(const Snapshot& snapshot) {
    std::vector<Listed> listed;
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                listed.push_back({&task, thread.tid, snapshot.frames_of(task)});
            }
        }
    }
    return linear_stacks(snapshot, listed);
}

std::vector<TaskStack> running_task_stacks(const Snapshot& snapshot) {
    std::unordered_map<uint64_t, std::pair<const Task*, uint64_t>> tasks;  // id -> (task, tid)
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks)
                tasks.emplace(task.id, std::pair{&task, thread.tid});
        }
    }
    std::vector<Listed> listed;
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            const ThreadStack& st = thread.stack;
            if (!st.read || st.running_task == 0) continue;
            auto running = tasks.find(st.running_task);
            if (running == tasks.end()) continue;
            // The running task's frames: the thread's from the innermost to its coroutine's.
            std::span<const Frame> frames = snapshot.frames_of(running->second.first->frames);
            if (st.task_frame != ThreadStack::kNoFrame) {
                frames = snapshot.frames_of(st.frames).first(st.task_frame + 1);
            }
            listed.push_back({running->second.first, thread.tid, frames});
            // Then every task that awaits it, transitively, breadth first.
            std::unordered_set<uint64_t> queued{st.running_task};
            std::deque<uint64_t> queue{st.running_task};
            while (!queue.empty()) {
                const Task* task = tasks.at(queue.front()).first;
                queue.pop_front();
                for (const Awaiter& a : snapshot.awaiters_of(*task)) {
                    auto it = tasks.find(a.id);
                    if (it == tasks.end() || !queued.insert(a.id).second) continue;
                    listed.push_back({it->second.first, it->second.second,
                                      snapshot.frames_of(*it->second.first)});
                    queue.push_back(a.id);
                }
            }
        }
    }
    return linear_stacks(snapshot, listed);
}

}  // namespace aps::render
