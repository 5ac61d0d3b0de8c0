// What aps says on stderr about a snapshot it could not read whole: one line per task part it
// could not read (at most kProblemLines, then a count), and the exit status that says so.
#pragma once

#include <string>

#include "aps/snapshot.hpp"

namespace aps {

inline constexpr std::size_t kProblemLines = 10;

// The lines for stderr ("aps: task 0x… (name): …\n" each), empty for a whole snapshot.
std::string describe_problems(const Snapshot& snapshot);

// The exit status after printing `snapshot` with `status`: kExitPartial when some task could not
// be read whole (the output is incomplete, which matters more than a cycle the view found in
// it), unless the output could not be written (kExitWriteError stays).
int status_with_problems(const Snapshot& snapshot, int status);

}  // namespace aps
