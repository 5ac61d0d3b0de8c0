// The reference's `_index`: every task of the snapshot in result order (all interpreters, their
// threads, their tasks), the id → name map and the list of await edges.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aps/snapshot.hpp"
#include "render/id_map.hpp"

namespace aps::render {

// One (awaiter, stack, awaited task) edge, in ps row order.
struct AwaitEdge {
    uint64_t parent = 0;                        // awaiter address (may be an unknown task)
    const std::vector<Frame>* stack = nullptr;  // the awaiter's frames, innermost first
    uint64_t child = 0;                         // the awaited task
};

class TaskIndex {
  public:
    explicit TaskIndex(const Snapshot& snapshot);

    // Distinct task ids in first-appearance order (the key order of the reference's id2name).
    const std::vector<uint64_t>& ids() const { return ids_; }

    // The last task seen with this id (the reference's dict keeps the last value), or nullptr.
    const Task* find(uint64_t id) const;

    // The last task with ids()[position].
    const Task& at(std::size_t position) const { return *last_[position]; }

    const std::vector<AwaitEdge>& awaits() const { return awaits_; }

  private:
    std::vector<uint64_t> ids_;
    std::vector<const Task*> last_;
    IdMap position_;
    std::vector<AwaitEdge> awaits_;
};

}  // namespace aps::render
