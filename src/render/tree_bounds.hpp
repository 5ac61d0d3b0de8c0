// When pstree stops printing the tree the reference's way. tools.py prints a task under every
// task that awaits it, each time with everything below it, and indents each level 4 columns
// deeper: a diamond of 38 tasks (two per level, each awaiting both of the next level) prints
// hundreds of MB, a chain of 20,000 tasks 800 MB. Such a tree is printed "compact" instead: a
// task appears in full once, and one line refers to it wherever it is awaited again; a line
// deeper than compact_depth levels is indented as that depth and says how deep it is. The compact
// tree is linear in the snapshot (tasks, awaits and frames) and keeps the reference's lines in
// their order; the reference's tree is printed wherever it is of ordinary size: at most
// full_bytes, or at most full_ratio times the compact one. Real programs are wide (a TaskGroup of
// 100,000 tasks), not repeated or deep, and never come near either bound.
#pragma once

#include <cstdint>

#include "aps/render.hpp"

namespace aps::render {

struct TreeBounds {
    // Above what the reference can print at all (its recursive printer stops near depth 1,000,
    // about 2 MB for one chain), and above the tree of any real program but a huge one, which
    // then has to be four times its compact form to be compacted.
    uint64_t full_bytes = uint64_t{64} << 20;
    uint64_t full_ratio = 4;
    // In the compact tree, a line deeper than this many levels keeps this indentation and says
    // how many levels it leaves out, `[+N] ` before its branch. 32 levels are 128 columns, wider
    // than a terminal already, and deep enough for TaskGroups nested eight deep with their frames.
    uint64_t compact_depth = 32;

    // full: the bytes of the tree printed the reference's way (saturated); compact: of the
    // compact tree.
    bool prefer_compact(uint64_t full, uint64_t compact) const {
        return full > full_bytes && compact <= UINT64_MAX / full_ratio &&
               full > full_ratio * compact;
    }
};

// The tree view (aps::render_pstree) within other bounds: for tests.
TreeOutput render_pstree(const Snapshot& snapshot, const OutputSink& sink,
                         const TreeBounds& bounds);

}  // namespace aps::render
