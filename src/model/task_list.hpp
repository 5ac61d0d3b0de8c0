// Task lists: the circular, doubly linked llist of tasks embedded in a thread state (live
// threads) or in the interpreter state (tasks of exited threads), and each task on it.
#pragma once

#include <cstdint>
#include <vector>

#include "aps/error.hpp"
#include "aps/snapshot.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

// Tasks of the list whose embedded head node is at head_addr, in list (creation) order.
// Bounded by limits.max_tasks_per_list; a NULL next or a cycle that misses the head is
// CorruptData.
Result<std::vector<Task>> read_task_list(WalkContext& ctx, uint64_t head_addr);

}  // namespace aps::model
