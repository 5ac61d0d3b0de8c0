// The state of one walk: the memory, offsets and limits it reads with, the Snapshot under
// construction, and the per-walk caches (types, code objects, lines, coroutine chains).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "aps/memory.hpp"
#include "aps/offsets.hpp"
#include "aps/snapshot.hpp"
#include "aps/walker.hpp"

namespace aps::model {

class ChainWorker;

// What the walker needs to know about a type object.
struct TypeInfo {
    enum class Kind { Other, AsyncGenWrapper, SetDummy };
    uint64_t flags = 0;  // tp_flags
    Kind kind = Kind::Other;
};

// A code object, interned into Snapshot::codes, with what its lines are decoded from.
struct CodeInfo {
    uint32_t index = 0;  // into Snapshot::codes
    int32_t firstlineno = 0;
    bool has_table = false;  // false when co_linetable was not a readable, plausible bytes object
    std::vector<std::byte> linetable;
    std::unordered_map<uint64_t, int32_t> lines;  // instr_ptr → line (Frame::kNoLine if none)
};

struct WalkContext {
    WalkContext(RemoteMemory& m, const DebugOffsets& o, const AsyncioOffsets& a,
                const WalkLimits& l, Snapshot& s)
        : memory(m), off(o), aio(a), limits(l), snapshot(s) {}

    RemoteMemory& memory;
    const DebugOffsets& off;
    const AsyncioOffsets& aio;
    const WalkLimits& limits;
    Snapshot& snapshot;

    std::unordered_map<uint64_t, TypeInfo> types;  // type address → info
    std::unordered_map<uint64_t, CodeInfo> codes;  // code address → info
    std::unordered_map<uint64_t, Slice> chains;    // coroutine address → its frames
    std::vector<Frame> chain_frames;               // ... in chain_frames
    std::unordered_set<uint64_t> task_types;       // types of listed tasks
    ChainWorker* worker = nullptr;  // the walk's second thread, if it has one (not owned)
};

}  // namespace aps::model
