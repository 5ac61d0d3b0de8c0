// Takes one snapshot of a live target: open it, walk it, and retry a bounded number of times when
// the target changed under the read.
#pragma once

#include <sys/types.h>

#include "aps/error.hpp"
#include "aps/snapshot.hpp"
#include "aps/walker.hpp"

namespace aps {

Result<Snapshot> read_live_snapshot(pid_t pid, int retries, const WalkLimits& limits = {});

}  // namespace aps
