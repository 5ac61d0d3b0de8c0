// `aps watch`: samples the target every interval and shows the park times, full-screen on a
// terminal or as plain timestamped blocks otherwise.
#pragma once

#include "cli/options.hpp"

namespace aps {

// Runs until `q`, a quitting signal, --count samples, or the target's end. Returns the exit code;
// after SIGINT, SIGTERM or SIGHUP it restores the terminal and ends the process by that signal.
int run_watch(const Options& options);

}  // namespace aps
