// The line aps watch puts at the top for a blocked event loop: which thread, for how long, and
// what holds it (the task and its synchronous calls, innermost first).
#pragma once

#include <string>

#include "aps/loop_state.hpp"
#include "aps/snapshot.hpp"

namespace aps::render {

// "loop in thread 4242 blocked for 3.4 s: task req-17 in blocking_io (app.py:15) <- handler
// (app.py:19), inside time.sleep", names escaped; files by their base name; the built-in the
// innermost frame calls, when it calls one. `loop.blocked_seconds` is the time.
std::string blocked_loop_text(const Snapshot& snapshot, const ThreadLoop& loop);

}  // namespace aps::render
