// The runtime of a live macOS process: finding it through dyld's image list is designed in
// docs/macos.md but not written yet, so this says so instead of looking for a /proc that macOS
// does not have. Built only on Apple systems (CMake picks it instead of live_runtime.cpp); never
// compiled on Linux.
#ifdef __APPLE__

#include <fmt/format.h>

#include "read/live_platform.hpp"

namespace aps::read {

Result<std::vector<MapEntry>> read_live_maps(pid_t) {
    return std::vector<MapEntry>{};  // no /proc: the caches go unbounded, as nothing is found
}

Result<Runtime> locate_live_runtime(pid_t pid, std::span<const MapEntry>, RemoteMemory& memory) {
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

}  // namespace aps::read

#endif  // __APPLE__
