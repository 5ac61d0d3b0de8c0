// aps dump --async-aware: one linear stack per leaf task (a task no other task awaits), from the
// leaf's frames out through the task that awaits it, that task's frames, and so on, as the
// reference's profiling.sampling builds them (its leaves in the order its Python set yields them).
#pragma once

#include <cstdint>
#include <vector>

#include "aps/snapshot.hpp"

namespace aps::render {

// One entry of a task stack: a frame of the snapshot, or the marker of a task (`task` set).
struct TaskStackEntry {
    const Frame* frame = nullptr;
    const Task* task = nullptr;
    uint32_t parents = 0;  // with `task`: how many tasks await it (shown when more than one)
};

struct TaskStack {
    uint64_t tid = 0;                     // the thread whose list holds the leaf
    uint64_t leaf = 0;                    // the leaf task's id
    std::vector<TaskStackEntry> entries;  // innermost first
};

// Every task of the snapshot (--async-mode all). A task awaited by several is followed through
// the awaiter with the lowest id; a cycle ends where it meets a task already on the stack.
std::vector<TaskStack> all_task_stacks(const Snapshot& snapshot);

// The tasks each thread's event loop is running (--async-mode running), each with the tasks that
// await it: the running task's entries begin with the thread's own frames down to the task's
// coroutine, the synchronous calls it made included.
std::vector<TaskStack> running_task_stacks(const Snapshot& snapshot);

}  // namespace aps::render
