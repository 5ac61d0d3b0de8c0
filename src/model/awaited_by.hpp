// A task's awaiters: its fut_awaited_by field is NULL, one object, or a set of objects.
#pragma once

#include <vector>

#include "aps/error.hpp"
#include "aps/snapshot.hpp"
#include "model/remote_object.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

// The awaiters of a task, in set slot order. Each awaiter's frames are its
// coroutine stack when it is a Task, empty for a plain Future.
// awaited_by is the task's fut_awaited_by pointer, is_set its fut_awaited_by_is_set flag.
Result<std::vector<Awaiter>> read_awaited_by(WalkContext& ctx, uint64_t awaited_by, bool is_set);

// The awaiter at addr, whose object was read already: its fut_is_task byte and task_coro.
Result<Awaiter> awaiter_from(WalkContext& ctx, uint64_t addr, uint8_t is_task, uint64_t coro);

}  // namespace aps::model
