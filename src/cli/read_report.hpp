// What the command line asks of a read (ReadOptions), and the --verbose line about how it went.
#pragma once

#include <sys/types.h>

#include <string>

#include "aps/target.hpp"
#include "cli/options.hpp"

namespace aps {

// The read the options ask for: retries, --stop, -j, and the test hook (in a test build).
ReadOptions read_options_for(const Options& options);

// One line for stderr (no trailing newline): attempts, and with --stop how long the target was
// held: "aps: read process 42 in 1 attempt; stopped it once (3 threads) for 1.234 ms".
std::string describe_read(pid_t pid, const ReadReport& report);

}  // namespace aps
