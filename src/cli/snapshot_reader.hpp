// Takes one snapshot of a live target (open it, walk it, and retry a bounded number of times when
// the target changed under the read; with --stop, hold the target still for each walk) or of a
// core file (once: a core does not change).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aps/core.hpp"
#include "aps/error.hpp"
#include "aps/snapshot.hpp"
#include "aps/walker.hpp"

namespace aps {

struct ReadPolicy {
    int retries = 3;                      // extra attempts after a read that saw a change
    bool stop = false;                    // --stop: stop the target for each walk
    std::function<void()> while_stopped;  // runs while the target is held (a test hook)
    WalkLimits limits;                    // bounds of the walk (names uncut for json)
};

// How the read went, for --verbose.
struct ReadReport {
    int attempts = 0;
    int stops = 0;
    std::size_t threads = 0;  // threads held by the last stop
    std::chrono::nanoseconds longest_pause{0};
    std::chrono::nanoseconds total_pause{0};
};

// Whether a snapshot of a live target that could not be read whole is the answer, or the target
// should be read again. Whole, or missing only stacks cut at the depth bound (which no re-read
// brings), it is; read while the target was held still, it is (it would read the same again). A
// running target may have been caught mid-change: the answer is the second of two attempts in a
// row that could not read the same parts of the same tasks, broken for good, not moving.
class PartialJudge {
  public:
    bool take(const Snapshot& snapshot, bool held_still);
    // The attempt in between gave no snapshot: the next one starts a new pair.
    void forget() { missed_before_.reset(); }

  private:
    std::optional<std::vector<std::pair<uint64_t, Problem::Part>>> missed_before_;
};

Result<Snapshot> read_live_snapshot(pid_t pid, const ReadPolicy& policy, ReadReport& report);

// A plain read (no --stop, no report), as watch takes each sample.
inline Result<Snapshot> read_live_snapshot(pid_t pid, int retries, const WalkLimits& limits = {}) {
    ReadPolicy policy;
    policy.retries = retries;
    policy.limits = limits;
    ReadReport report;
    return read_live_snapshot(pid, policy, report);
}

// One line for stderr (no trailing newline): attempts, and with --stop how long the target was
// held: "aps: read process 42 in 1 attempt; stopped it once (3 threads) for 1.234 ms".
std::string describe_read(pid_t pid, const ReadReport& report);

// An inconsistent core (ReadFailed or CorruptData: written while the process changed the objects,
// or damaged) keeps its code and says so.
Result<Snapshot> read_core_snapshot(const CoreOptions& options, const WalkLimits& limits = {});

}  // namespace aps
