// The read layer's front door: a target (a live process, or a core file) opened once, that hands
// out snapshots. It owns the memory, the caches, the maps, the located runtime and the policy of
// a read (retries, --stop, how many threads); the CLI asks it for a snapshot and renders that.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "aps/error.hpp"
#include "aps/snapshot.hpp"
#include "aps/walker.hpp"

namespace aps {

// A core file, and where to find the files its process had mapped.
struct CoreOptions {
    std::string core;     // the core file
    std::string sysroot;  // look for every mapped file under this folder (--sysroot)
    std::string exe;      // the main executable, wherever it is (--exe)
};

inline constexpr unsigned kDefaultJobs = 2;

struct ReadOptions {
    int retries = 3;               // extra attempts after a read that saw a change (live targets)
    bool stop = false;             // --stop: hold a live target stopped while it is walked
    unsigned jobs = kDefaultJobs;  // threads a read may use (at most 2 pay); 1: this one alone
    WalkLimits limits;             // the walk's safety bounds
    // What each walk reads (ps/pstree/watch: the task lists; dump: the threads' stacks too). A
    // live source answers WalkRequest::cpu_state itself, from /proc, when stacks are asked for.
    WalkRequest request;
    // Unwind each thread's native stack while the target is held (dump --native-frames): implies
    // the stop of --stop, fills Snapshot::native_stacks.
    bool native_frames = false;
    std::function<void()> while_stopped;  // runs while --stop holds the target (a test hook)
};

// How the last read went, for --verbose.
struct ReadReport {
    int attempts = 0;
    int stops = 0;
    std::size_t threads = 0;  // threads held by the last stop
    std::chrono::nanoseconds longest_pause{0};
    std::chrono::nanoseconds total_pause{0};
};

class Target {
  public:
    // A live process: nothing is read until snapshot().
    static Result<Target> open(pid_t pid, ReadOptions options);
    // A core file, parsed now. BadCore when it cannot be read or is not an ELF core of this
    // machine; FileMismatch when --exe or --sysroot name something that does not exist.
    static Result<Target> open(const CoreOptions& core, ReadOptions options);

    Target(Target&&) noexcept;
    Target& operator=(Target&&) noexcept;
    ~Target();

    // One snapshot. A live target is read afresh each time (maps, runtime, tasks), a read that
    // saw it change is retried, and one that could not read some tasks whole is settled (see
    // docs/design.md, "Broken tasks"); a core is read once. Errors: NoSuchProcess,
    // PermissionDenied, NotPython, UnsupportedVersion, InvalidOffsets, CorruptData and
    // ReadFailed (kept changing, or a core's memory inconsistent), TooLarge, StopRefused,
    // StopFailed, BadCore, FileMismatch.
    Result<Snapshot> snapshot();

    // How the last snapshot() went (attempts, pauses).
    const ReadReport& report() const;

    // The process's id, for the views to name it: a live target's pid, or the one a core records
    // (its NT_PRPSINFO note; 0 when it has none).
    pid_t pid() const;

    // The reading of one kind of target (src/read).
    class Source;

  private:
    explicit Target(std::unique_ptr<Source> source);
    std::unique_ptr<Source> source_;
};

// The process (thread group) that thread `id` belongs to: `id` itself for a process, its
// process's id for any other thread. Empty when /proc does not say (no such id, no /proc).
std::optional<pid_t> process_of(pid_t id);

}  // namespace aps
