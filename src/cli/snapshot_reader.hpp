// Takes one snapshot of a live target (open it, walk it, and retry a bounded number of times when
// the target changed under the read) or of a core file (once: a core does not change).
#pragma once

#include <sys/types.h>

#include "aps/core.hpp"
#include "aps/error.hpp"
#include "aps/snapshot.hpp"
#include "aps/walker.hpp"

namespace aps {

Result<Snapshot> read_live_snapshot(pid_t pid, int retries, const WalkLimits& limits = {});

// An inconsistent core (ReadFailed or CorruptData: written while the process changed the objects,
// or damaged) keeps its code and says so.
Result<Snapshot> read_core_snapshot(const CoreOptions& options, const WalkLimits& limits = {});

}  // namespace aps
