// `aps watch`: samples the target every interval and shows the park times, full-screen on a
// terminal or as plain timestamped blocks otherwise.
#pragma once

#include <functional>

#include "aps/error.hpp"
#include "aps/snapshot.hpp"
#include "cli/options.hpp"

namespace aps {

// Where the watch reads keys and writes, and how.
struct WatchIo {
    int keys_fd = -1;          // a terminal to read keys from, or -1 for none
    int out_fd = 1;            // the screen or the log
    int err_fd = 2;            // the final line
    bool full_screen = false;  // out_fd is a capable terminal
    bool colour = false;
};

// One sample of the target (read_live_snapshot in aps; a fake in tests).
using Sampler = std::function<Result<Snapshot>()>;

struct WatchEnd {
    int exit_code = 0;
    int signal = 0;  // the watch was ended by this signal (exit_code is then 128 + signal)
};

// The loop, until `q`, SIGINT/SIGTERM/SIGHUP, --count samples or the target's end. The terminal
// is given back before it returns; a final error line goes to err_fd. An error of the first
// sample ends it at once with that error's message and exit code, as ps would.
WatchEnd watch(const Options& options, const Sampler& sample, const WatchIo& io);

// `aps watch` on the live process: watch() on stdin/stdout/stderr, then, if a signal ended it,
// ends the process by that same signal. Returns the exit code otherwise.
int run_watch(const Options& options);

}  // namespace aps
