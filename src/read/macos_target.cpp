// open_target on macOS: finding the runtime through dyld's image list is designed in docs/macos.md
// but not written yet, so this says so instead of looking for a /proc that macOS does not have.
// Built only on Apple systems (CMake picks it instead of target.cpp); never compiled on Linux.
#ifdef __APPLE__

#include <fmt/format.h>

#include "aps/target.hpp"

namespace aps {

Result<Target> open_target(pid_t pid, RemoteMemory& memory) {
    // Reading one byte at address 0 is refused for every process; what matters is why: a task
    // port that could not be had turns into NoSuchProcess or PermissionDenied here.
    std::byte probe[1];
    if (auto ok = memory.read(0, probe); !ok && ok.error().code != Errc::ReadFailed)
        return ok.error();
    return Error{Errc::UnsupportedVersion,
                 fmt::format("process {}: locating the Python runtime in a macOS process is not "
                             "implemented yet (docs/macos.md describes the design)",
                             pid)};
}

}  // namespace aps

#endif  // __APPLE__
