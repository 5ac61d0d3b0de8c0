// What could not be read of a task: the problems a snapshot reports (Snapshot::problems) and the
// marker frame that ends a stack where it could not be read further.
#pragma once

#include <cstdint>
#include <string>

#include "aps/snapshot.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

// Records that `part` of the task `task` could not be read (or, with cut, that its stack was cut
// at the walk's depth bound), once per task and part, with `what` as the reason.
void record_problem(WalkContext& ctx, uint64_t task, Problem::Part part, bool cut,
                    std::string what);

// The frame that marks where a stack stops being readable (Snapshot::kUnreadable) or was cut
// (Snapshot::kCut): a code of that name, with no file, at line 0, interned in the snapshot.
Frame marker_frame(WalkContext& ctx, bool cut);

}  // namespace aps::model
