// /proc/PID/task/TID/stat's state letter as a CpuState (see thread_cpu_state.hpp).
#include "read/thread_cpu_state.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <string>
#include <string_view>

#include "read/unique_fd.hpp"

namespace aps::read {

CpuState thread_cpu_state(pid_t pid, uint64_t tid) {
    const std::string path = fmt::format("/proc/{}/task/{}/stat", pid, tid);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return CpuState::Unknown;
    std::array<char, 2048> buf{};
    const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n <= 0) return CpuState::Unknown;
    const std::string_view stat(buf.data(), static_cast<std::size_t>(n));
    // The command name in parentheses may hold anything, even ')': the state follows the last.
    const std::size_t paren = stat.rfind(')');
    if (paren == std::string_view::npos || paren + 2 >= stat.size()) return CpuState::Unknown;
    switch (stat[paren + 2]) {
        case 'R':
            return CpuState::Running;
        case 'S':
        case 'D':
        case 'T':
        case 'Z':
        case 'I':
            return CpuState::Idle;
        default:  // 't' (traced: held by --stop), 'X', 'W', 'P' ...
            return CpuState::Unknown;
    }
}

}  // namespace aps::read
