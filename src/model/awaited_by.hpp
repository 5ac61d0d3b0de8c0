// A task's awaiters: its fut_awaited_by field is NULL, one object, or a set of objects.
#pragma once

#include <vector>

#include "aps/error.hpp"
#include "aps/snapshot.hpp"
#include "model/remote_object.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

// The awaiters of the task copied in `task`, in set slot order. Each awaiter's frames are its
// coroutine stack when it is a Task, empty for a plain Future.
Result<std::vector<Awaiter>> read_awaited_by(WalkContext& ctx, const RemoteObject& task);

}  // namespace aps::model
