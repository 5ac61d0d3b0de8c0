// A thread's own Python stack and state (aps dump): from its thread state, the frames from the
// innermost (current_frame) out through `previous`, with Native and GC frames where asked; the
// GIL, exception and main-thread flags; the event loop and task it runs.
#pragma once

#include <cstdint>

#include "aps/snapshot.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

// What the walk knows of the thread's interpreter when it reads the thread.
struct InterpreterView {
    uint64_t threads_main = 0;  // the interpreter's main thread state
    bool collecting = false;    // a garbage collection is running
    uint64_t gc_frame = 0;      // the frame that started it (3.15), or 0
};

// Reads the state of the thread whose thread state is at tstate (native id tid) into `out`.
// Every remote pointer is untrusted: the walk is bounded (WalkLimits::max_frames_per_chain),
// cycle-checked, and checks each frame's owner and code object. A stack that cannot be read whole
// keeps the frames before the failure, ends in an <unreadable> marker (<frames cut> past the
// bound) and records a Problem (Part::ThreadStack, the thread's id): the snapshot's other threads
// are read all the same. Errors are only those of the walk's budgets (TooLarge).
Result<void> read_thread_stack(WalkContext& ctx, const InterpreterView& interp, uint64_t tstate,
                               uint64_t tid, ThreadStack& out);

}  // namespace aps::model
