// The reference's `_index`: every task of the snapshot in result order (all interpreters, their
// threads, their tasks) numbered by distinct id, the id → task lookup and the awaiter of each
// await edge, in flat arrays (8-16 bytes a task, 4 an edge) instead of maps of nodes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "aps/snapshot.hpp"

namespace aps::render {

class TaskIndex {
  public:
    static constexpr uint32_t kUnknown = UINT32_MAX;

    explicit TaskIndex(const Snapshot& snapshot);

    // The indexed snapshot: it holds the tasks' frames and awaiters.
    const Snapshot& snapshot() const { return snapshot_; }

    // Distinct task ids, numbered 0.. ("ordinals") in first-appearance order: the key order of
    // the reference's id2name.
    std::size_t size() const { return size_; }

    // The last task seen with this ordinal's id (the reference's dict keeps the last value).
    const Task& at(std::size_t ordinal) const {
        return task_at(last_position_.empty() ? ordinal : last_position_[ordinal]);
    }

    // The ordinal of a task id, or kUnknown.
    uint32_t ordinal(uint64_t id) const;

    // The last task seen with this id, or nullptr.
    const Task* find(uint64_t id) const {
        const uint32_t o = ordinal(id);
        return o == kUnknown ? nullptr : &at(o);
    }

    // The tasks of the snapshot in result order are its "positions"; an id seen twice has two
    // positions and one ordinal. Without such repeats, ordinal == position.
    bool has_duplicates() const { return !ordinal_at_.empty(); }
    uint32_t ordinal_at(std::size_t position) const {
        return ordinal_at_.empty() ? static_cast<uint32_t>(position) : ordinal_at_[position];
    }
    const Task& task_at(std::size_t position) const {
        if (runs_.size() == 1) return runs_[0].tasks[position];
        const auto run =
            std::upper_bound(runs_.begin(), runs_.end(), position,
                             [](std::size_t p, const Run& r) { return p < r.first_position; });
        return run[-1].tasks[position - run[-1].first_position];
    }

    // Await edges, one per Awaiter in result order (ps row order): the awaiter's ordinal, or
    // kUnknown when it is not a task of the snapshot (a plain future, or a task that is gone).
    std::size_t awaits() const { return awaiter_.size(); }
    uint32_t awaiter(std::size_t edge) const { return awaiter_[edge]; }

    // Frames on the stacks of the await edges whose awaiter is a task (a bound on the pstree
    // forest's coroutine nodes).
    std::size_t task_awaiter_frames() const { return task_awaiter_frames_; }

    // Calls f(const Task& task, uint32_t task_ordinal, const Awaiter& awaiter, uint32_t
    // awaiter_ordinal) for each await edge, in order.
    template <class F>
    void for_each_await(F&& f) const {
        std::size_t position = 0, edge = 0;
        for (const Interpreter& interp : snapshot_.interpreters) {
            for (const Thread& thread : interp.threads) {
                for (const Task& task : thread.tasks) {
                    const uint32_t child = ordinal_at(position++);
                    for (const Awaiter& awaiter : snapshot_.awaiters_of(task)) {
                        f(task, child, awaiter, awaiter_[edge++]);
                    }
                }
            }
        }
    }

  private:
    // The tasks of one non-empty thread, from position first_position on.
    struct Run {
        std::size_t first_position;
        const Task* tasks;
    };

    static constexpr std::size_t kBatch = 32;

    std::size_t slot_of(uint64_t id) const;
    void prefetch_slots(const uint64_t* ids, std::size_t* homes, std::size_t n) const;
    void insert(uint64_t id, std::size_t home, std::size_t position, std::size_t tasks);
    uint32_t probe(uint64_t id, std::size_t home) const;

    const Snapshot& snapshot_;
    std::vector<Run> runs_;
    std::size_t size_ = 0;
    // Open addressing, at most half full: ordinal + 1, or 0 for an empty slot; the key is read
    // back from the task.
    std::vector<uint32_t> slots_;
    std::size_t mask_ = 0;
    // Only once an id repeats: position → ordinal, and ordinal → its last position.
    std::vector<uint32_t> ordinal_at_;
    std::vector<uint32_t> last_position_;
    std::vector<uint32_t> awaiter_;  // edge → awaiter ordinal or kUnknown
    std::size_t task_awaiter_frames_ = 0;
};

}  // namespace aps::render
