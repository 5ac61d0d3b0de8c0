// Which renderer a command line asks for, what it needs from the walk, and printing its output.
#pragma once

#include <cstdio>

#include "aps/snapshot.hpp"
#include "aps/walker.hpp"
#include "cli/options.hpp"

namespace aps {

// The walk bounds for a view: the JSON views keep whole task names (up to the walker's string
// bound), the others the reference's cut at 255 code points.
WalkLimits walk_limits_for(const Options& options);

// Renders the snapshot as asked to stdout (in pieces, as rendered) and any cycle report to
// stderr; returns the exit code: kExitWriteError, with "aps: write error: ..." on stderr, when
// the output could not be written.
int print_view(const Options& options, const Snapshot& snapshot);
// The same on other streams.
int print_view(const Options& options, const Snapshot& snapshot, std::FILE* out, std::FILE* err);

}  // namespace aps
