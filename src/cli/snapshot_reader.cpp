// Takes one snapshot of a live target, retrying reads that saw the target change, or of a core.
#include "cli/snapshot_reader.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <cerrno>

#include "aps/cached_memory.hpp"
#include "aps/target.hpp"
#include "aps/walker.hpp"

namespace aps {

namespace {

bool process_exists(pid_t pid) {
    return ::kill(pid, 0) == 0 || errno == EPERM;
}

Result<Snapshot> walk(const Target& target, RemoteMemory& memory, const WalkLimits& limits) {
    WalkInput input;
    input.runtime_addr = target.runtime_addr;
    input.offsets = target.offsets;
    input.asyncio = target.asyncio ? &*target.asyncio : nullptr;
    return walk_snapshot(memory, input, limits);
}

// `opened` tells whether the target was found alive and Python before the walk began.
Result<Snapshot> read_once(pid_t pid, RemoteMemory& memory, const WalkLimits& limits,
                           bool& opened) {
    Result<Target> target = open_target(pid, memory);
    if (!target) return std::move(target).error();
    opened = true;
    return walk(*target, memory, limits);
}

}  // namespace

Result<Snapshot> read_live_snapshot(pid_t pid, int retries, const WalkLimits& limits) {
    std::unique_ptr<RemoteMemory> memory = open_live_memory(pid);
    const int attempts = retries + 1;
    Error last{Errc::ReadFailed, "no attempt made"};
    for (int attempt = 0; attempt < attempts; ++attempt) {
        // A fresh cache per attempt: a retry must see the target anew.
        CachedMemory cached(*memory);
        if (auto ranges = readable_ranges(pid)) cached.set_readable_ranges(std::move(*ranges));
        // The first attempt re-checks task names in batches (few syscalls, however many tasks);
        // a target that changed under it is re-read checking each task as soon as it is read,
        // so that only a task that changes within its own read fails the check.
        WalkLimits attempt_limits = limits;
        if (attempt > 0) attempt_limits.tasks_per_check = 1;
        bool opened = false;
        Result<Snapshot> snapshot = read_once(pid, cached, attempt_limits, opened);
        if (snapshot) return snapshot;
        last = std::move(snapshot).error();
        // Whatever read failed, a target that is gone now simply exited under us: say that,
        // rather than the breadcrumbs of the read that noticed it.
        if ((opened || is_transient(last.code)) && !process_exists(pid)) {
            return Error{Errc::NoSuchProcess,
                         fmt::format("process {} exited while being read", pid)};
        }
        if (!is_transient(last.code)) return last;
    }
    return Error{last.code,
                 fmt::format("the target's memory kept changing while being read ({} attempt{}; "
                             "last error: {}); try again, or raise --retries",
                             attempts, attempts == 1 ? "" : "s", last.message)};
}

Result<Snapshot> read_core_snapshot(const CoreOptions& options, const WalkLimits& limits) {
    Result<CoreTarget> core = open_core(options);
    if (!core) return std::move(core).error();
    CachedMemory cached(core->memory());
    cached.set_readable_ranges(core->readable_ranges());
    Result<Target> target = core->find_target(cached);
    if (!target) return std::move(target).error();
    Result<Snapshot> snapshot = walk(*target, cached, limits);
    if (!snapshot && is_transient(snapshot.error().code)) {
        return Error{snapshot.error().code,
                     fmt::format("the memory in {} is inconsistent (written while the process was "
                                 "changing it, or damaged): {}",
                                 core->describe(), snapshot.error().message)};
    }
    return snapshot;
}

}  // namespace aps
