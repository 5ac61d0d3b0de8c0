// One thread's native stack with its Python frames placed in it (aps dump --native-frames): the
// Python frames each run of the interpreter's evaluation loop executes, put above that loop's
// native frame, the way py-spy and pystack merge them.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "aps/snapshot.hpp"

namespace aps::render {

struct MergedFrame {
    const NativeFrame* native = nullptr;  // a native frame, or
    const Frame* python = nullptr;        // a Python frame (or <GC>, or a marker) of the snapshot
};

// Whether a native frame is the interpreter's evaluation loop (also its compiler-split parts,
// "_PyEval_EvalFrameDefault.cold").
bool is_eval_loop(std::string_view function);

// Innermost first. The thread's Python frames (innermost first, its <native> frames delimiting
// the runs of one evaluation-loop call each) are consumed in order: each eval-loop native frame
// is preceded by the next run. `python` empty: the native stack alone. Runs left over (the native
// unwind ended early, or found fewer eval loops) follow the native frames; `leftover` counts
// their Python frames.
std::vector<MergedFrame> merge_stacks(const Snapshot& snapshot, const NativeStack& native,
                                      std::span<const Frame> python, std::size_t& leftover);

}  // namespace aps::render
