// The park tracker: a pure model of successive snapshots that tells, for each task, how long it
// has stayed at the same await. It reads no memory and no clock; the caller supplies both.
#pragma once

#include <chrono>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "aps/park_time.hpp"
#include "aps/snapshot.hpp"

namespace aps {

// A task is "at the same await" in two samples when it has the same id (task address), the same
// name and the same coroutine stack: every frame's function, file and line, innermost first. The
// innermost frame alone would not do: it is usually asyncio's own `sleep` or `wait`, shared by
// every await site of the program. A task that leaves and comes back between two samples, or a
// new task at a freed task's address with the same name and stack, cannot be told apart (a limit
// of sampling, not of the model).
class ParkTracker {
  public:
    using Clock = std::chrono::steady_clock;

    // Folds in the next sample, taken at `now` (not earlier than the previous one). Tasks absent
    // from `snapshot` are forgotten: one that comes back starts from zero.
    void update(Snapshot snapshot, Clock::time_point now);

    // The latest snapshot and the park time of each of its tasks, in snapshot order
    // (interpreters, threads, tasks).
    const Snapshot& snapshot() const { return snapshot_; }
    const std::vector<ParkTime>& times() const { return times_; }
    std::size_t samples() const { return samples_; }

  private:
    struct Position {
        const Task* task = nullptr;  // in snapshot_, which owns it until the next update
        Clock::time_point since{};
        bool before_first_sample = false;
    };

    Snapshot snapshot_;
    std::vector<ParkTime> times_;
    std::unordered_map<uint64_t, Position> positions_;  // by task id, for snapshot_'s tasks
    std::size_t samples_ = 0;
};

}  // namespace aps
