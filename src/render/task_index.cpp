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
            tasks += thread.tasks.size();
            for (const Task& task : thread.tasks) edges += task.awaited_by.size();
        }
    }
    // At most half full: an ordinal per slot, the key is read back through last_.
    std::size_t capacity = 16;
    while (capacity < tasks * 2) capacity <<= 1;
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;
    last_.reserve(tasks);
    awaiter_.reserve(edges);

    std::size_t position = 0;
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                std::size_t i = slot_of(task.id);
                while (slots_[i] != 0 && last_[slots_[i] - 1]->id != task.id) i = (i + 1) & mask_;
                uint32_t ordinal;
                if (slots_[i] == 0) {
                    ordinal = static_cast<uint32_t>(last_.size());
                    slots_[i] = ordinal + 1;
                    last_.push_back(&task);
                    if (!ordinal_at_.empty()) ordinal_at_.push_back(ordinal);
                } else {
                    ordinal = slots_[i] - 1;
                    last_[ordinal] = &task;
                    if (ordinal_at_.empty()) {
                        // First repeat: from here on positions and ordinals differ.
                        ordinal_at_.reserve(tasks);
                        for (std::size_t p = 0; p < position; ++p) {
                            ordinal_at_.push_back(static_cast<uint32_t>(p));
                        }
                    }
                    ordinal_at_.push_back(ordinal);
                }
                ++position;
            }
        }
    }
    // Awaiters after all tasks: an awaiter may be a task listed later.
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                for (const Awaiter& awaiter : task.awaited_by) {
                    awaiter_.push_back(ordinal(awaiter.id));
                }
            }
        }
    }
}

uint32_t TaskIndex::ordinal(uint64_t id) const {
    std::size_t i = slot_of(id);
    while (slots_[i] != 0) {
        const uint32_t o = slots_[i] - 1;
        if (last_[o]->id == id) return o;
        i = (i + 1) & mask_;
    }
    return kUnknown;
}

}  // namespace aps::render
