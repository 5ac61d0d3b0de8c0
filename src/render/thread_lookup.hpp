// A snapshot's thread by its native id, among the threads whose stacks were read: what the views
// that start from a thread id (the blocked-loop line, the native stacks) look up.
#pragma once

#include <cstdint>

#include "aps/snapshot.hpp"

namespace aps::render {

// The thread `tid` whose stack the walk read, or nullptr.
const Thread* thread_with_stack(const Snapshot& snapshot, uint64_t tid);

}  // namespace aps::render
