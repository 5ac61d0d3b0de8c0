// Coroutine chains: from a task's coroutine, follow what each suspended coroutine awaits
// (coroutines, async generators behind the objects that step them) and produce its frames.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aps/error.hpp"
#include "aps/snapshot.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

// Where chains are read into: the snapshot's arrays, or a chain worker's batch.
struct ChainArrays {
    std::vector<Frame>& frames;
    std::vector<Awaiter>& awaiters;  // their frames are slices of `frames`
};

// Appends to `out` the frames of the chain starting at the object at coro_addr, innermost first,
// and returns where they are. Iterative, bounded by limits.max_frames_per_chain and
// cycle-checked. An object the interpreter does not run as a coroutine (a class implementing the
// protocol, a compiled coroutine) has no frames aps can read: an empty stack, as the reference
// shows it.
// A chain that cannot be read whole, or is deeper than the bound, is an error that leaves `out`
// as it was; with ctx.keep_partial it keeps the frames read, ends in a marker frame, and is
// recorded as a problem of the task `owner` (whose coroutine this is).
// Results are looked up in, and with `remember` stored in, the per-walk cache: awaiters' chains
// are asked for again (by each task they await and by their own task), a task's own chain
// usually is not.
Result<Stack> coroutine_stack(WalkContext& ctx, uint64_t owner, uint64_t coro_addr,
                              std::vector<Frame>& out, bool remember = true);

// The slice [start, end) of `out`, or an error when `out` has outgrown what a Slice can address
// (only a garbage target gets near it).
template <class T>
Result<Slice> slice_from(const std::vector<T>& out, std::size_t start, const char* what) {
    if (out.size() > UINT32_MAX) {
        return Error{Errc::CorruptData, std::string("more than 2^32 ") + what + " in one walk"};
    }
    return Slice{static_cast<uint32_t>(start), static_cast<uint32_t>(out.size() - start)};
}

}  // namespace aps::model
