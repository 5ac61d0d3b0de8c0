// The content of the watch views, independent of layout: tasks ordered by park time, counts per
// current coroutine, and the escaped text of each cell.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "aps/park_time.hpp"
#include "aps/snapshot.hpp"

namespace aps::render {

struct WatchRow {
    const Task* task = nullptr;
    uint64_t tid = 0;
    ParkTime time;
};

// Every task with its park time, longest parked first; equal times keep snapshot order. A task
// without an entry in `times` counts as just arrived.
std::vector<WatchRow> rows_by_park_time(const Snapshot& snapshot,
                                        const std::vector<ParkTime>& times);

struct CoroutineCount {
    std::string function;  // escaped name of the innermost frame's function, "-" for no frame
    std::size_t tasks = 0;
};

// Tasks per current (innermost) coroutine function, most first, then by name.
std::vector<CoroutineCount> count_by_coroutine(const Snapshot& snapshot);

// "0.0s" .. "59.9s", "1m00s" .. "59m59s", "1h00m" .. "23h59m", then "1d00h" ...
std::string format_park_time(std::chrono::nanoseconds parked);

// The innermost frame as "function file:line" (escaped; file cut to its last path component when
// `short_file`), "-" for a task without frames.
std::string current_frame_text(const Snapshot& snapshot, const Task& task, bool short_file);

// The coroutine stack as ps prints it: function names, innermost first, joined by " -> " (escaped).
std::string stack_text(const Snapshot& snapshot, const Task& task);

}  // namespace aps::render
