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
        }
    }
    std::size_t capacity = 16;
    while (capacity < tasks * 2) capacity <<= 1;
    slots_.assign(capacity, 0);
    mask_ = capacity - 1;

    // Both passes go in batches: the slots (and the tasks they name) of a batch are prefetched
    // before any is probed, so that a million random probes overlap their cache misses.
    uint64_t ids[kBatch];
    std::size_t homes[kBatch];
    for (std::size_t first = 0; first < tasks; first += kBatch) {
        const std::size_t n = std::min(kBatch, tasks - first);
        for (std::size_t k = 0; k < n; ++k) {
            const Task& task = task_at(first + k);
            ids[k] = task.id;
            edges += task.awaited_by.size();
        }
        prefetch_slots(ids, homes, n);
        for (std::size_t k = 0; k < n; ++k) insert(ids[k], homes[k], first + k, tasks);
    }
    awaiter_.reserve(edges);
    // Awaiters after all tasks: an awaiter may be a task listed later.
    std::size_t frames[kBatch];
    std::size_t pending = 0;
    const auto lookup_batch = [&] {
        prefetch_slots(ids, homes, pending);
        for (std::size_t k = 0; k < pending; ++k) {
            const uint32_t o = probe(ids[k], homes[k]);
            awaiter_.push_back(o);
            if (o != kUnknown) task_awaiter_frames_ += frames[k];
        }
        pending = 0;
    };
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                for (const Awaiter& awaiter : snapshot.awaiters_of(task)) {
                    ids[pending] = awaiter.id;
                    frames[pending] = awaiter.frames.size();
                    if (++pending == kBatch) lookup_batch();
                }
            }
        }
    }
    lookup_batch();
}

void TaskIndex::prefetch_slots(const uint64_t* ids, std::size_t* homes, std::size_t n) const {
    for (std::size_t k = 0; k < n; ++k) {
        homes[k] = slot_of(ids[k]);
        __builtin_prefetch(&slots_[homes[k]]);
    }
    for (std::size_t k = 0; k < n; ++k) {
        if (const uint32_t s = slots_[homes[k]]; s != 0) __builtin_prefetch(&at(s - 1).id);
    }
}

void TaskIndex::insert(uint64_t id, std::size_t home, std::size_t position, std::size_t tasks) {
    std::size_t i = home;
    while (slots_[i] != 0 && at(slots_[i] - 1).id != id) i = (i + 1) & mask_;
    if (slots_[i] == 0) {
        slots_[i] = static_cast<uint32_t>(size_ + 1);
        if (!ordinal_at_.empty()) {
            ordinal_at_.push_back(static_cast<uint32_t>(size_));
            last_position_.push_back(static_cast<uint32_t>(position));
        }
        ++size_;
        return;
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

uint32_t TaskIndex::probe(uint64_t id, std::size_t i) const {
    while (slots_[i] != 0) {
        const uint32_t o = slots_[i] - 1;
        if (at(o).id == id) return o;
        i = (i + 1) & mask_;
    }
    return kUnknown;
}

uint32_t TaskIndex::ordinal(uint64_t id) const {
    return probe(id, slot_of(id));
}

}  // namespace aps::render
