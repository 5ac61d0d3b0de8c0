// The process a thread id belongs to, from /proc/ID/status; see aps/target.hpp.
#include <fmt/format.h>

#include <cstdio>
#include <cstring>

#include "aps/target.hpp"

namespace aps {

std::optional<pid_t> process_of(pid_t id) {
    // /proc/TID exists for every thread, though readdir of /proc lists only processes.
    const std::string path = fmt::format("/proc/{}/status", id);
    std::FILE* f = std::fopen(path.c_str(), "re");
    if (f == nullptr) return std::nullopt;
    char line[256];
    std::optional<pid_t> tgid;
    while (std::fgets(line, sizeof line, f) != nullptr) {
        long value = 0;
        if (std::strncmp(line, "Tgid:", 5) == 0 && std::sscanf(line + 5, "%ld", &value) == 1 &&
            value > 0) {
            tgid = static_cast<pid_t>(value);
            break;
        }
    }
    std::fclose(f);
    return tgid;
}

}  // namespace aps
