// The `aps watch` views: pure functions from a snapshot and its tasks' park times to what the
// watch prints, either a full screen for a terminal or a plain timestamped block for a log.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "aps/loop_state.hpp"
#include "aps/park_time.hpp"
#include "aps/snapshot.hpp"

namespace aps {

struct WatchInfo {
    int64_t pid = 0;
    std::chrono::system_clock::time_point time{};  // when the sample was taken (printed in UTC)
    std::chrono::milliseconds interval{1000};
    std::size_t sample = 0;  // 1 for the first sample
    std::string notice;      // one line under the screen's header (a skipped sample), or empty
    // The event loops found blocked (held the same way since an earlier sample), each with how
    // long (ThreadLoop::blocked_seconds): one line each, at the top.
    std::vector<ThreadLoop> blocked;
};

struct ScreenSize {
    std::size_t rows = 24;
    std::size_t cols = 80;
};

// The screen, one string per terminal row (at most size.rows of them), each at most size.cols
// columns wide: a header (pid, Python version, task count, sample time), the number of tasks per
// current coroutine, then one row per task, longest parked first. `times` holds one entry per
// task in snapshot order (ParkTracker::times()). With `colour`, rows carry SGR sequences (their
// width counts only the text); without it, they are plain text.
std::vector<std::string> render_watch_screen(const Snapshot& snapshot,
                                             const std::vector<ParkTime>& times,
                                             const WatchInfo& info, ScreenSize size, bool colour);

// The same content as plain text for a log: a timestamped header line, the per-coroutine counts,
// every task (nothing cut), then an empty line. No escape sequences.
std::string render_watch_log(const Snapshot& snapshot, const std::vector<ParkTime>& times,
                             const WatchInfo& info);

// One log line for a sample that could not be taken (info.notice says why), then an empty line.
std::string render_watch_log_skip(const WatchInfo& info);

}  // namespace aps
