// Which renderer a command line asks for, what it needs from the walk, and printing its output.
#pragma once

#include <cstdio>
#include <vector>

#include "aps/loop_state.hpp"
#include "aps/snapshot.hpp"
#include "cli/options.hpp"

namespace aps {

// Renders the snapshot as asked to stdout (in pieces, as rendered) and any cycle report to
// stderr; returns the exit code: kExitWriteError, with "aps: write error: ..." on stderr, when
// the output could not be written.
int print_view(const Options& options, const Snapshot& snapshot,
               const std::vector<ThreadLoop>& loops = {});
// The same on other streams; `loops`: for aps dump --format json, each thread's loop state.
int print_view(const Options& options, const Snapshot& snapshot, std::FILE* out, std::FILE* err,
               const std::vector<ThreadLoop>& loops = {});

}  // namespace aps
