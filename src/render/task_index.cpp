// Result-order index of the snapshot's tasks (tools.py `_index`).
#include "render/task_index.hpp"

namespace aps::render {
namespace {

uint64_t mix(uint64_t key) {
    // splitmix64 finalizer: task addresses share their low bits.
    key ^= key >> 30;
    key *= 0xbf58476d1ce4e5b9u;
    key ^= key >> 27;
    key *= 0x94d049bb133111ebu;
    key ^= key >> 31;
    return key;
}

}  // namespace

std::size_t TaskIndex::slot_of(uint64_t id) const {
    return static_cast<std::size_t>(mix(id)) & mask_;
}

TaskIndex::TaskIndex(const Snapshot& snapshot) : snapshot_(snapshot) {
    std::size_t tasks = 0, edges = 0;
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            if (!thread.tasks.empty()) runs_.push_back(Run{tasks, thread.tasks.data()});
            tasks += thread.tasks.size();
            for (const Task& task : thread.tasks) edges += task.awaited_by.size();
        }
    }
    std::size_t capacity = 16;
    while (capacity < tasks * 2) capacity <<= 1;
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
    awaiter_.reserve(edges);

    for (std::size_t position = 0; position < tasks; ++position) {
        const uint64_t id = task_at(position).id;
        std::size_t i = slot_of(id);
        while (slots_[i] != 0 && at(slots_[i] - 1).id != id) i = (i + 1) & mask_;
        if (slots_[i] == 0) {
            slots_[i] = static_cast<uint32_t>(size_ + 1);
            if (!ordinal_at_.empty()) {
                ordinal_at_.push_back(static_cast<uint32_t>(size_));
                last_position_.push_back(static_cast<uint32_t>(position));
            }
            ++size_;
            continue;
        }
        // A repeat: from here on positions and ordinals differ.
        if (ordinal_at_.empty()) {
            ordinal_at_.reserve(tasks);
            last_position_.reserve(tasks);
            for (uint32_t p = 0; p < position; ++p) {
                ordinal_at_.push_back(p);
                last_position_.push_back(p);
            }
        }
        const uint32_t ordinal = slots_[i] - 1;
        ordinal_at_.push_back(ordinal);
        last_position_[ordinal] = static_cast<uint32_t>(position);
    }
    // Awaiters after all tasks: an awaiter may be a task listed later.
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                for (const Awaiter& awaiter : task.awaited_by) {
                    const uint32_t o = ordinal(awaiter.id);
                    awaiter_.push_back(o);
                    if (o != kUnknown) task_awaiter_frames_ += awaiter.frames.size();
                }
            }
        }
    }
}

uint32_t TaskIndex::ordinal(uint64_t id) const {
    std::size_t i = slot_of(id);
    while (slots_[i] != 0) {
        const uint32_t o = slots_[i] - 1;
        if (at(o).id == id) return o;
        i = (i + 1) & mask_;
    }
    return kUnknown;
}

}  // namespace aps::render
