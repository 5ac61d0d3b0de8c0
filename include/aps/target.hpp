// Opening a live target: the process's memory (process_vm_readv) and the location and contents of
// its debug offsets, found through the ELF sections of the files it has mapped.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aps/error.hpp"
#include "aps/memory.hpp"
#include "aps/offsets.hpp"

namespace aps {

// Reads a live process with process_vm_readv (falling back to /proc/PID/mem). Never writes and
// never stops the target.
std::unique_ptr<RemoteMemory> open_live_memory(pid_t pid);

struct Target {
    uint64_t runtime_addr = 0;
    DebugOffsets offsets;
    std::optional<AsyncioOffsets> asyncio;    // empty when asyncio was never imported
    std::string runtime_file;                 // the mapped file that holds .PyRuntime
    std::vector<AddressRange> runtime_image;  // where runtime_file is mapped
};

// The process (thread group) that thread `id` belongs to: `id` itself for a process, its
// process's id for any other thread. Empty when /proc does not say (no such id, no /proc).
std::optional<pid_t> process_of(pid_t id);

// After the kernel refused to let aps read `pid`: the reason, with what works, when the target
// runs as aps's own user (the usual advice, to run aps as the target's user, would be wrong):
// it is not dumpable (prctl(PR_SET_DUMPABLE, 0), a setuid or setgid program, a hardened
// runtime), so only root or CAP_SYS_PTRACE can read it. Empty otherwise.
std::optional<std::string> explain_access_refusal(pid_t pid);

// Finds .PyRuntime and .AsyncioDebug in the target's mapped files, reads and validates both
// tables. Errors: NoSuchProcess, PermissionDenied, NotPython, UnsupportedVersion, CorruptData.
Result<Target> open_target(pid_t pid, RemoteMemory& memory);

}  // namespace aps
