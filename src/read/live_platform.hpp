// What reading a live process needs of the platform: its memory, a second reader for another
// thread, its mappings and the runtime found in them. Linux implements it with process_vm_readv
// and /proc (live_memory.cpp, live_runtime.cpp); macOS with a Mach task port (macos_*.cpp).
#pragma once

#include <sys/types.h>

#include <memory>
#include <span>
#include <vector>

#include "aps/error.hpp"
#include "aps/memory.hpp"
#include "read/proc_maps.hpp"
#include "read/runtime_locator.hpp"

namespace aps::read {

// Reads a live process (process_vm_readv, falling back to /proc/PID/mem). Never writes and never
// stops the target.
std::unique_ptr<RemoteMemory> open_live_memory(pid_t pid);

// Another reader of the process `live` reads (made by open_live_memory), for another thread;
// null when there is none.
std::unique_ptr<RemoteMemory> another_live_reader(RemoteMemory& live);

// The process's mappings (read once per attempt: the runtime is found in them and a cache is
// bounded by them). NoSuchProcess when it is gone or a zombie, NotPython for a kernel thread,
// PermissionDenied when the kernel refuses.
Result<std::vector<MapEntry>> read_live_maps(pid_t pid);

// Finds .PyRuntime and .AsyncioDebug in the files mapped in `maps`, reads and validates both
// tables. Errors: NoSuchProcess, PermissionDenied, NotPython, UnsupportedVersion,
// InvalidOffsets, CorruptData.
Result<Runtime> locate_live_runtime(pid_t pid, std::span<const MapEntry> maps,
                                    RemoteMemory& memory);

// read_live_maps, then locate_live_runtime: what one attempt of a read does first.
inline Result<Runtime> find_live_runtime(pid_t pid, RemoteMemory& memory) {
    auto maps = read_live_maps(pid);
    if (!maps) return std::move(maps).error();
    return locate_live_runtime(pid, *maps, memory);
}

}  // namespace aps::read
