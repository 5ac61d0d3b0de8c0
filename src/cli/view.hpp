// Which renderer a command line asks for, what it needs from the walk, and printing its output.
#pragma once

#include <cstdio>

#include "aps/snapshot.hpp"
#include "cli/options.hpp"

namespace aps {

// Renders the snapshot as asked to stdout (in pieces, as rendered) and any cycle report to
// stderr; returns the exit code: kExitWriteError, with "aps: write error: ..." on stderr, when
// the output could not be written.
int print_view(const Options& options, const Snapshot& snapshot);
// The same on other streams.
int print_view(const Options& options, const Snapshot& snapshot, std::FILE* out, std::FILE* err);

}  // namespace aps
