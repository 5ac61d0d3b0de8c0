// Renderers: pure functions from a Snapshot to the bytes aps prints. They never read memory.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "aps/snapshot.hpp"

namespace aps {

// Both renderers print task, function and file names with control characters, bidi controls,
// lone surrogates and invalid UTF-8 bytes as backslash escapes (`\n`, `\x1b`, `\u202e`, `\xff`);
// column padding counts the escaped text in code points. Nothing recurses on the data's depth.

// Receives the output in order, in pieces of about kOutputChunk bytes, so that a large
// snapshot's text never has to sit in memory whole.
using OutputSink = std::function<void(std::string_view)>;
inline constexpr std::size_t kOutputChunk = std::size_t{1} << 20;

// The `ps` table, byte-identical to `python -m asyncio ps` where the reference is right.
std::string render_ps(const Snapshot& snapshot);
void render_ps(const Snapshot& snapshot, const OutputSink& sink);

struct TreeOutput {
    std::string out;    // the forest, on success
    std::string err;    // the cycle report, when the await graph has a cycle
    int exit_code = 0;  // 1 when the graph has a cycle (reference-compatible)
};

// The `pstree` forest, or the cycle report when the await graph is not a forest (same cycles in
// the same order as the reference, whose DFS walks Python sets of task addresses).
TreeOutput render_pstree(const Snapshot& snapshot);
// The same, with the forest sent to `sink` (TreeOutput::out stays empty); nothing is sent when
// the graph has a cycle.
TreeOutput render_pstree(const Snapshot& snapshot, const OutputSink& sink);

}  // namespace aps
