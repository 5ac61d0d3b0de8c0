// Renderers: pure functions from a Snapshot to the bytes aps prints. They never read memory.
#pragma once

#include <string>

#include "aps/snapshot.hpp"

namespace aps {

// Both renderers print task, function and file names with control characters, bidi controls,
// lone surrogates and invalid UTF-8 bytes as backslash escapes (`\n`, `\x1b`, `\u202e`, `\xff`);
// column padding counts the escaped text in code points. Nothing recurses on the data's depth.

// The `ps` table, byte-identical to `python -m asyncio ps` where the reference is right.
std::string render_ps(const Snapshot& snapshot);

struct TreeOutput {
    std::string out;    // the forest, on success
    std::string err;    // the cycle report, when the await graph has a cycle
    int exit_code = 0;  // 1 when the graph has a cycle (reference-compatible)
};

// The `pstree` forest, or the cycle report when the await graph is not a forest (same cycles in
// the same order as the reference, whose DFS walks Python sets of task addresses).
TreeOutput render_pstree(const Snapshot& snapshot);

}  // namespace aps
