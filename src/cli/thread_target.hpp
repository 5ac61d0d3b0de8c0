// A thread id given as the PID: ps, top and kill take one for its process, and so does aps.
#pragma once

#include <string>

#include "cli/options.hpp"

namespace aps {

// When options.pid is a thread's id rather than its process's, sets options.pid to the process
// and returns the notice for stderr ("aps: 1235 is a thread of process 1234; reading process
// 1234\n"); otherwise changes nothing and returns an empty string. Live targets only.
std::string follow_thread_to_process(Options& options);

}  // namespace aps
