// The state of one walk: the memory, offsets and limits it reads with, the Snapshot under
// construction, and the per-walk caches (types, code objects, lines, coroutine chains).
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "aps/memory.hpp"
#include "aps/offsets.hpp"
#include "aps/snapshot.hpp"
#include "aps/walker.hpp"

namespace aps::model {

class ChainWorker;

// What the walker needs to know about a type object.
struct TypeInfo {
    // The interpreter's own types that the walk treats apart; every other type is Other.
    enum class Kind {
        Other,
        Coroutine,         // a native coroutine: its frame is embedded in it
        Generator,         // a generator (also a @types.coroutine one): likewise
        AsyncGenerator,    // likewise
        AsyncGenStep,      // what asend(), athrow(), aclose() and __anext__() return: it steps an
                           // async generator, whose frame is the one to read
        SetDummy,          // the key of a deleted set slot
        Code,              // a code object (what a thread's frame runs)
        CFunction,         // a built-in function or a built-in bound to its object (sock.recv)
        MethodDescriptor,  // a C type's method, unbound (what a method call calls)
    };
    static constexpr uint32_t kNotInterned = UINT32_MAX;
    uint64_t flags = 0;  // tp_flags
    Kind kind = Kind::Other;
    std::string name;                  // tp_name, cut at kMaxTypeName bytes
    uint32_t interned = kNotInterned;  // index into Snapshot::type_names, once used there
    bool has_frame() const {
        return kind == Kind::Coroutine || kind == Kind::Generator || kind == Kind::AsyncGenerator;
    }
};

// A code object, interned into Snapshot::codes, with what its lines are decoded from.
struct CodeInfo {
    uint32_t index = 0;  // into Snapshot::codes
    int32_t firstlineno = 0;
    bool has_table = false;  // false when co_linetable was not a readable, plausible bytes object
    std::vector<std::byte> linetable;
    std::unordered_map<uint64_t, int32_t> lines;  // instr_ptr → line (Frame::kNoLine if none)
    // With WalkRequest::detail: instr_ptr → the index of that instruction's own Code.
    std::unordered_map<uint64_t, uint32_t> sites;
};

// One coroutine chain as read.
struct Stack {
    Slice frames;       // innermost first
    uint64_t type = 0;  // the type of the chain's first object (the task's coroutine)
    uint8_t marks = 0;  // kStackUnreadable or kStackCut: it ends in a marker frame
};

struct WalkContext {
    WalkContext(RemoteMemory& m, const DebugOffsets& o, const AsyncioOffsets& a,
                const WalkLimits& l, Snapshot& s, std::span<const AddressRange> image = {})
        : memory(m), off(o), aio(a), limits(l), snapshot(s), runtime_image(image) {}

    RemoteMemory& memory;
    const DebugOffsets& off;
    const AsyncioOffsets& aio;
    const WalkLimits& limits;
    Snapshot& snapshot;
    std::span<const AddressRange> runtime_image;  // see WalkInput::runtime_image
    WalkTuning tuning;
    WalkRequest request;
    bool has_asyncio = true;  // false: `aio` is empty (asyncio never imported), no task to read
    // Set for the last, fresh read of a task whose chains failed: a chain or an awaited-by set
    // that cannot be read whole keeps what was read, ends in a marker and is reported (see
    // coroutine_stack), instead of failing the task.
    bool keep_partial = false;

    std::unordered_map<uint64_t, TypeInfo> types;               // type address → info
    std::unordered_map<uint64_t, CodeInfo> codes;               // code address → info
    std::unordered_map<uint64_t, Stack> chains;                 // coroutine address → its frames
    std::vector<Frame> chain_frames;                            // ... in chain_frames
    std::unordered_set<uint64_t> task_types;                    // types of listed tasks
    std::set<std::pair<uint64_t, Problem::Part>> problem_keys;  // problems already recorded
    // Long task names already read: str address → (its length, its index in
    // Snapshot::long_names).
    std::unordered_map<uint64_t, std::pair<uint64_t, uint32_t>> long_names;
    uint64_t string_bytes = 0;  // of names, functions and files in the snapshot
    // Awaited-by sets already read, in the arrays this context reads into: set address → its
    // awaiters (a chain worker clears it with each batch).
    std::unordered_map<uint64_t, Slice> sets;
    // Awaiter links read (a set shared by several tasks counts for each): what the views print a
    // row or edge for, whatever the arrays hold.
    uint64_t awaiter_links = 0;
    // The walk's second thread, started by the first task list that reaches
    // tuning.parallel_from tasks and kept for the rest of the walk: a small target is read on
    // this thread alone, with no thread, second reader or worker buffers to set up. Empty when
    // the walk reads alone; returns null when no worker could start (asked once).
    std::function<ChainWorker*()> worker;
};

}  // namespace aps::model
