// The model: one plain value describing every asyncio task of a target at one moment.
// Built by the walker (src/model), consumed by the renderers (src/render); no remote pointers to
// follow, no readers, no virtuals.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace aps {

// Strings are UTF-8. A lone surrogate (possible in a Python str) is kept as its 3-byte generalized
// UTF-8 form, so renderers can escape it instead of losing it.
struct Code {
    std::string function;  // co_qualname
    std::string file;      // co_filename
};

struct Frame {
    static constexpr int32_t kNoLine = INT32_MIN;
    uint32_t code = 0;         // index into Snapshot::codes
    int32_t line = kNoLine;    // kNoLine when the location table has no entry for the instruction
    bool has_line() const { return line != kNoLine; }
};

struct Awaiter {
    uint64_t id = 0;             // address of the awaiting task (or future)
    std::vector<Frame> frames;   // the awaiter's coroutine stack, innermost first; empty for a
                                 // plain Future
};

struct Task {
    uint64_t id = 0;             // address of the task object
    std::string name;            // at most 255 code points, as the reference cuts them
    std::vector<Frame> frames;   // coroutine stack, innermost first
    std::vector<Awaiter> awaited_by;
};

struct Thread {
    uint64_t tid = 0;            // native thread id; 0 for the list of tasks of exited threads
    std::vector<Task> tasks;     // creation order
};

struct Interpreter {
    int64_t id = 0;
    std::vector<Thread> threads;  // newest thread first, then the exited-threads list (tid 0)
};

struct Snapshot {
    int major = 0;
    int minor = 0;
    std::vector<Code> codes;
    std::vector<Interpreter> interpreters;  // main interpreter first
};

}  // namespace aps
