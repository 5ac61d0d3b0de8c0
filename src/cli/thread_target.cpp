// Reading a thread id's process instead, saying so; see thread_target.hpp.
#include "cli/thread_target.hpp"

#include <fmt/format.h>

#include "aps/target.hpp"

namespace aps {

std::string follow_thread_to_process(Options& options) {
    if (!options.core.empty() || options.pid <= 0) return {};
    const std::optional<pid_t> process = process_of(options.pid);
    if (!process || *process == options.pid) return {};
    const pid_t thread = options.pid;
    options.pid = *process;
    return fmt::format("aps: {} is a thread of process {}; reading process {}\n", thread, *process,
                       *process);
}

}  // namespace aps
