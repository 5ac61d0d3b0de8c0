// Result-order index of the snapshot's tasks (tools.py `_index`).
#include "render/task_index.hpp"

namespace aps::render {

TaskIndex::TaskIndex(const Snapshot& snapshot) {
    std::size_t tasks = 0, edges = 0;
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            tasks += thread.tasks.size();
            for (const Task& task : thread.tasks) edges += task.awaited_by.size();
        }
    }
    ids_.reserve(tasks);
    last_.reserve(tasks);
    position_.reserve(tasks);
    awaits_.reserve(edges);

    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                const auto [position, inserted] =
                    position_.try_emplace(task.id, static_cast<uint32_t>(ids_.size()));
                if (inserted) {
                    ids_.push_back(task.id);
                    last_.push_back(&task);
                } else {
                    last_[position] = &task;
                }
                for (const Awaiter& awaiter : task.awaited_by) {
                    awaits_.push_back(AwaitEdge{awaiter.id, &awaiter.frames, task.id});
                }
            }
        }
    }
}

const Task* TaskIndex::find(uint64_t id) const {
    const uint32_t position = position_.find(id, UINT32_MAX);
    return position == UINT32_MAX ? nullptr : last_[position];
}

}  // namespace aps::render
