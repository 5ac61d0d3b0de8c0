// Coroutine chains: from a task's coroutine, follow what each suspended coroutine awaits
// (coroutines, async generators behind asend/athrow wrappers) and produce its frames.
#pragma once

#include <cstdint>
#include <vector>

#include "aps/error.hpp"
#include "aps/snapshot.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

// Frames of the chain starting at the coroutine at coro_addr, innermost first. Iterative,
// bounded by limits.max_frames_per_chain and cycle-checked. Results are looked up in, and with
// `remember` stored in, the per-walk cache: awaiters' chains are asked for again (by each task they
// await and by their own task), a task's own chain usually is not.
Result<std::vector<Frame>> coroutine_stack(WalkContext& ctx, uint64_t coro_addr,
                                           bool remember = true);

}  // namespace aps::model
