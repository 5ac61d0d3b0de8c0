// A task's awaiters: its fut_awaited_by field is NULL, one object, or a set of objects.
#pragma once

#include <cstdint>

#include "aps/error.hpp"
#include "aps/snapshot.hpp"
#include "model/coro_chain.hpp"
#include "model/remote_object.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

// A task's awaiters as read.
struct Awaiters {
    Slice slice;        // of out.awaiters
    uint8_t marks = 0;  // kAwaitersUnreadable: only those before what failed (keep_partial)
};

// Appends the awaiters of the task `task` to out.awaiters, in set slot order, and returns where
// they are. Each awaiter's frames are its coroutine stack when it is a Task, empty for a plain
// Future. awaited_by is the task's fut_awaited_by pointer, is_set its fut_awaited_by_is_set flag.
// On failure, what was appended is left for the caller to drop; with ctx.keep_partial a failure
// keeps the awaiters read before it and is recorded as a problem of the task.
Result<Awaiters> read_awaited_by(WalkContext& ctx, uint64_t task, uint64_t awaited_by, bool is_set,
                                 ChainArrays out);

// Appends the awaiter at addr, whose object was read already: its fut_is_task byte and task_coro.
Result<Slice> awaiter_from(WalkContext& ctx, uint64_t addr, uint8_t is_task, uint64_t coro,
                           ChainArrays out);

}  // namespace aps::model
