// What a thread's asyncio event loop is doing at one instant, decided from the target's memory
// alone: the loop and task asyncio records in the thread state, and the thread's Python frames.
// aps dump --format json reports it; aps watch follows it over samples to name a blocked loop.
#pragma once

#include <cstdint>
#include <vector>

#include "aps/snapshot.hpp"

namespace aps {

struct LoopState {
    enum class Kind : uint8_t {
        NoLoop,     // the thread runs no event loop (or its stack was not read)
        Waiting,    // the loop waits in its selector: healthy, nothing to run
        InTask,     // a task's step runs: `calls` frames of synchronous calls inside it
        Elsewhere,  // the loop runs, but neither a task's step nor its selector wait: a callback,
                    // or the loop's own bookkeeping
    };
    Kind kind = Kind::NoLoop;
    uint64_t loop = 0;  // the running loop's address
    uint64_t task = 0;  // InTask: the running task's id
    // InTask: how many of the thread's innermost frames are synchronous calls made by the
    // task's step (frames above the task's own coroutine frame); Elsewhere: the frames above
    // the loop's callback runner. Those frames are the ones that hold the loop.
    uint32_t calls = 0;
};

// A thread's loop state as the views report it: the state, and when the loop was found held by
// the same thing in successive snapshots (same_hold), for how long at least (the time between
// the first and the last of them); -1 when it was not.
struct ThreadLoop {
    uint64_t tid = 0;
    LoopState state;
    double blocked_seconds = -1;
};

// The state of `thread`'s loop. Waiting needs the innermost Python frame to be a selector's
// `select` (the standard library's selectors.py); a loop written in C (uvloop) shows no such
// frame and reads as Elsewhere, never as InTask unless asyncio records a running task.
LoopState loop_state(const Snapshot& snapshot, const Thread& thread);

// True when two states of the same thread show the loop held by the same thing: the same task
// (or the same non-task code) in the same synchronous call, frame for frame (function, file,
// line) in both snapshots; outside a task, a callback's own calls (above asyncio's Handle._run),
// never the loop's own code. What `aps watch` calls a blocked loop once it lasts.
bool same_hold(const Snapshot& a, const Thread& ta, const LoopState& la, const Snapshot& b,
               const Thread& tb, const LoopState& lb);

// Every read thread's ThreadLoop in `now`; with `before` (the same target, `seconds` earlier), a
// loop held the same way in both is blocked for at least `seconds`.
std::vector<ThreadLoop> thread_loops(const Snapshot& now, const Snapshot* before, double seconds);

}  // namespace aps
