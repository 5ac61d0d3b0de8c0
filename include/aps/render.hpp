// Renderers: pure functions from a Snapshot to the bytes aps prints. They never read memory.
#pragma once

#include <string>

#include "aps/snapshot.hpp"

namespace aps {

// The `ps` table, byte-identical to `python -m asyncio ps` where the reference is right.
std::string render_ps(const Snapshot& snapshot);

struct TreeOutput {
    std::string out;    // the forest, on success
    std::string err;    // the cycle report, when the await graph has a cycle
    int exit_code = 0;  // 1 when the graph has a cycle (reference-compatible)
};

// The `pstree` forest, or the cycle report when the await graph is not a forest.
TreeOutput render_pstree(const Snapshot& snapshot);

}  // namespace aps
