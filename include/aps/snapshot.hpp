// The model: one plain value describing every asyncio task of a target at one moment.
// Built by the walker (src/model), consumed by the renderers (src/render); no remote pointers to
// follow, no readers, no virtuals.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace aps {

// Strings are UTF-8. A lone surrogate (possible in a Python str) is kept as its 3-byte generalized
// UTF-8 form, so renderers can escape it instead of losing it.
//
// A Code is a code object (function and file), or, for `aps dump`, a frame that stands for no
// Python code: where C code called into Python (<native>), where a garbage collection runs
// (<GC>), a marker for what could not be read. When a walk reads per-instruction detail
// (WalkRequest::detail), each (code object, instruction) is a Code of its own, with the
// instruction's opcode and column range; otherwise one Code per code object, without them.
struct Code {
    enum class Kind : uint8_t {
        Python,  // a code object
        Native,  // C code between two Python frames (dump --native); later, a native frame
        GC,      // a garbage collection in progress
        Marker,  // Snapshot::kUnreadable or kCut
    };
    static constexpr int16_t kNoOpcode = -1;
    std::string function;  // co_qualname, or the text of a frame of another kind
    std::string file;      // co_filename
    Kind kind = Kind::Python;
    int16_t opcode = kNoOpcode;  // the instruction's opcode byte, with detail
    // With detail: the instruction's last line and UTF-8 byte columns (-1: none), as CPython's
    // location table gives them; the first line is the frame's.
    int32_t end_line = 0;
    int32_t column = -1;
    int32_t end_column = -1;
};

struct Frame {
    // No line for the instruction (a "no location" entry, an empty, unreadable or malformed
    // table): -1, the value CPython's decoders give it and the reference prints. A table entry
    // that decodes to -1 is the same to Python (f_lineno is None for it), and prints the same.
    static constexpr int32_t kNoLine = -1;
    uint32_t code = 0;       // index into Snapshot::codes
    int32_t line = kNoLine;  // any int, as CPython decodes it (negative ones included)
    bool has_line() const { return line != kNoLine; }
};

// A run of one of the snapshot's shared arrays: elements [at, at + n). Frames and awaiters live
// in two arrays of the Snapshot rather than in vectors of their own: a million tasks are then two
// allocations, not three million, and copying a snapshot copies no pointers.
struct Slice {
    uint32_t at = 0;
    uint32_t n = 0;
    bool empty() const { return n == 0; }
    uint32_t size() const { return n; }
};

struct Awaiter {
    uint64_t id = 0;  // address of the awaiting task (or future)
    Slice frames;     // of Snapshot::frames: the awaiter's coroutine stack, innermost first;
                      // empty for a plain Future
};

// What could not be read of a task, beside what could (see Snapshot::problems). A stack that
// could not be read whole ends, innermost, in a marker frame (Snapshot::kUnreadable or kCut),
// so every view shows the place; an unreadable name reads as Snapshot::kUnreadable.
enum TaskMark : uint8_t {
    kNameUnreadable = 1,
    kStackUnreadable = 2,
    kStackCut = 4,  // deeper than the walk's bound: the innermost frames are left out
    kAwaitersUnreadable = 8,
};

struct Task {
    static constexpr uint32_t kNoType = UINT32_MAX;
    static constexpr uint32_t kShortName = UINT32_MAX;
    uint64_t id = 0;   // address of the task object
    std::string name;  // whole (Snapshot::name_of); the views cut it (src/render/name_cut.hpp)
    Slice frames;      // of Snapshot::frames: the coroutine stack, innermost first
    Slice awaited_by;  // of Snapshot::awaiters
    // The type of the task's coroutine object (index into Snapshot::type_names): "coroutine",
    // "async_generator_asend", or a class implementing the protocol, whose stack aps cannot read.
    uint32_t coro_type = kNoType;
    // A name of more than Snapshot::kLongName bytes (only the data views read names uncut) is
    // kept once per str object, however many tasks share it: its index in Snapshot::long_names,
    // `name` then empty.
    uint32_t long_name = kShortName;
    uint8_t marks = 0;  // TaskMark bits
};

// One part of one task that could not be read, and why: a line on stderr, an entry in JSON.
struct Problem {
    enum class Part : uint8_t { Name, Stack, Awaiters, ThreadStack };
    uint64_t task = 0;  // the task's id; for a ThreadStack, the thread's id
    Part part = Part::Stack;
    bool cut = false;  // the stack is only too deep, not broken
    std::string what;  // in aps's words, with the addresses involved
};

// What a thread is doing, from its thread state (ThreadStack::flags).
enum ThreadFlag : uint8_t {
    kMainThread = 1,    // the interpreter's main thread (interpreter_state.threads_main)
    kHasGil = 2,        // it holds the GIL
    kGilRequested = 4,  // it is waiting for the GIL (3.15 records this; 3.14 does not)
    kHasException = 8,  // an exception is being raised or handled
};

// Whether the OS has the thread on a CPU, as /proc/PID/task/TID/stat says.
enum class CpuState : uint8_t {
    NotAsked,  // the read did not look (a core file has no such state)
    Unknown,   // it looked and could not tell
    Running,   // 'R'
    Idle,      // asleep, stopped or a zombie
};

// A thread's own Python stack and state (aps dump), read only when the walk is asked for
// stacks (WalkRequest::stacks). `read` is false otherwise, and for the exited-threads entry.
struct ThreadStack {
    static constexpr uint32_t kNoFrame = UINT32_MAX;
    bool read = false;
    uint64_t tstate = 0;  // the thread state's address
    uint8_t flags = 0;    // ThreadFlag bits
    CpuState cpu = CpuState::NotAsked;
    Slice frames;       // of Snapshot::frames: innermost first, Native and GC frames included
    uint8_t marks = 0;  // kStackUnreadable or kStackCut: the stack ends in a marker frame
    uint64_t running_loop = 0;  // the event loop the thread runs, or 0 (asyncio's view)
    uint64_t running_task = 0;  // the task whose step the loop is running, or 0
    // Index in `frames` of the running task's own coroutine frame, or kNoFrame.
    uint32_t task_frame = kNoFrame;
    // The built-in the innermost Python frame is calling ("time.sleep"), as read from its
    // evaluation stack; empty when that frame calls none (or runs Python code).
    std::string calling;
};

struct Thread {
    uint64_t tid = 0;         // native thread id; 0 for the list of tasks of exited threads
    std::vector<Task> tasks;  // creation order (empty when the walk was not asked for tasks)
    ThreadStack stack;        // when the walk was asked for stacks
};

struct Interpreter {
    int64_t id = 0;
    std::vector<Thread> threads;  // newest thread first, then the exited-threads list (tid 0)
};

// A thread's native stack (aps dump --native-frames), unwound while the target was held.
struct NativeFrame {
    uint64_t pc = 0;       // the return address (the faulting/current address innermost)
    std::string function;  // from the mapped file's symbol table; empty when it has none
    std::string library;   // the mapped file's name (basename), empty when no file maps pc
    uint64_t offset = 0;   // pc's offset from the start of that mapping's file image
};

struct NativeStack {
    uint64_t tid = 0;
    std::vector<NativeFrame> frames;  // innermost first
    bool cut = false;                 // more frames than the unwinder's bound
    std::string error;                // why the unwind ended early ("" when it reached the end)
};

struct Snapshot {
    // The text that marks what could not be read: a marker frame's function, an unreadable name.
    static constexpr const char* kUnreadable = "<unreadable>";
    static constexpr const char* kCut = "<frames cut>";
    // Problems kept with their text; past this many only problems_left_out counts them.
    static constexpr std::size_t kMaxProblems = 10000;
    static constexpr std::size_t kLongName = 4096;

    int major = 0;
    int minor = 0;
    std::vector<Code> codes;
    std::vector<Interpreter> interpreters;  // main interpreter first
    std::vector<Frame> frames;              // every stack, each a Slice of this
    std::vector<Awaiter> awaiters;          // every task's awaiters, each task's a Slice of this
    std::vector<std::string> type_names;    // Task::coro_type indexes this
    std::vector<std::string> long_names;    // Task::long_name indexes this
    // With WalkRequest::detail: the target version's opcode names (Code::opcode indexes them).
    std::vector<std::string> opcode_names;
    // What could not be read, one entry per task and part, in the order met. Empty for a whole
    // snapshot; otherwise the views print the rest and say so.
    std::vector<Problem> problems;
    std::size_t problems_left_out = 0;
    // With ReadOptions::native_frames: each held thread's native stack, by thread.
    std::vector<NativeStack> native_stacks;

    // The walk (and a test's builder) makes every Slice within its array.
    std::span<const Frame> frames_of(Slice s) const { return {frames.data() + s.at, s.n}; }
    std::span<const Frame> frames_of(const Task& task) const { return frames_of(task.frames); }
    std::span<const Frame> frames_of(const Awaiter& awaiter) const {
        return frames_of(awaiter.frames);
    }
    const std::string& name_of(const Task& task) const {
        return task.long_name == Task::kShortName ? task.name : long_names[task.long_name];
    }
    std::span<const Awaiter> awaiters_of(const Task& task) const {
        return {awaiters.data() + task.awaited_by.at, task.awaited_by.n};
    }
};

}  // namespace aps
