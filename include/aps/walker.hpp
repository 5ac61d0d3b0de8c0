// The walker: turns a target's memory into a Snapshot, following interpreters → threads →
// task lists → coroutine chains → awaited-by links. Every loop is bounded and every remote size is
// checked before it sizes an allocation; garbage becomes an Error, never a crash.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "aps/error.hpp"
#include "aps/memory.hpp"
#include "aps/offsets.hpp"
#include "aps/snapshot.hpp"

namespace aps {

// Safety bounds against garbage, far above any real program.
struct WalkLimits {
    uint64_t max_interpreters = 4096;
    uint64_t max_threads = 1u << 20;
    uint64_t max_tasks_per_list = 1u << 26;
    uint64_t max_frames_per_chain = 1u << 16;
    uint64_t max_awaiters_per_task = 1u << 20;  // slots of an awaited-by set
    uint64_t max_string_code_points = 1u << 20;
    uint64_t max_linetable_bytes = 1u << 24;
    // Totals over the whole snapshot, against a target whose objects are shared many times over
    // (one huge awaited-by set or name under thousands of tasks): what aps holds stays bounded
    // whatever the target claims (512 MiB of frames, 256 MiB of awaiters, 1 GiB of text at most).
    // Past one, the walk stops (Errc::TooLarge). Real programs stay far below them.
    uint64_t max_total_frames = uint64_t{1} << 26;
    uint64_t max_total_awaiters = uint64_t{1} << 24;
    uint64_t max_total_string_bytes = uint64_t{1} << 30;
};

// How a walk goes about its reads: for speed, chosen by the read layer for each attempt; the
// snapshot is the same whatever they are.
struct WalkTuning {
    // Tasks whose names are re-checked by one fresh re-read (see docs/design.md, "Torn reads").
    // Batches cost few syscalls; 1 reads each task fresh and re-checks it before going on, a
    // narrow window that a fast-changing target needs.
    uint64_t tasks_per_check = 256;
    // Tasks of a list read on one thread before a second thread (given a second reader) reads
    // the coroutine stacks and awaiters of the rest; UINT64_MAX: never.
    uint64_t parallel_from = 512;
};

// What a walk reads. ps, pstree and watch read the task lists only; aps dump reads each thread's
// own stack, with the task lists for --async-aware.
struct WalkRequest {
    bool tasks = true;    // every thread's task list (and the exited threads' list)
    bool stacks = false;  // each thread's stack, status and running task (Thread::stack)
    bool native = false;  // a Native frame where C code called into Python (dump --native)
    bool gc = false;      // a GC frame where a garbage collection runs (dump's default)
    // One Code per (code object, instruction), with its opcode and column range, for the frames
    // of stacks and tasks alike (dump --opcodes, and dump's colour, which marks the columns).
    bool detail = false;
    // Whether a thread (by its id in the target's PID namespace) is on a CPU: asked once per
    // thread whose stack is read, while the target is held when it is (--stop). The read layer
    // answers from /proc; empty: not asked (CpuState::NotAsked).
    std::function<CpuState(uint64_t tid)> cpu_state;
};

// Makes a second reader of the walk's memory for another thread, or null when there is none.
using ReaderFactory = std::function<std::unique_ptr<RemoteMemory>()>;

struct WalkInput {
    uint64_t runtime_addr = 0;  // address of _PyRuntime (start of .PyRuntime)
    DebugOffsets offsets;
    const AsyncioOffsets* asyncio = nullptr;  // null when asyncio was never imported
    // Where the file that holds the runtime is mapped. The interpreter's own types (coroutine,
    // generator, ...) are static objects of that file: a type of the same name elsewhere (a
    // Cython module's, a Python class) is another kind of object. Empty: not known, the name
    // alone decides.
    std::vector<AddressRange> runtime_image;
    WalkTuning tuning;
    ReaderFactory second_reader;  // empty: the walk reads on one thread
    WalkRequest request;
};

Result<Snapshot> walk_snapshot(RemoteMemory& memory, const WalkInput& input,
                               const WalkLimits& limits = {});

}  // namespace aps
