// Takes one snapshot of a live target, retrying reads that saw the target change (with --stop,
// each attempt holds the target stopped while it is walked), or of a core.
#include "cli/snapshot_reader.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <utility>
#include <vector>

#include "aps/cached_memory.hpp"
#include "aps/process_freezer.hpp"
#include "aps/target.hpp"
#include "aps/walker.hpp"
#include "cli/job_control_hold.hpp"

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
    input.runtime_image = target.runtime_image;
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

// --stop: the target is opened while it runs (where its tables are does not change), then held
// only for the walk. The walk gets a cache of its own: nothing read before the stop may serve it.
Result<Snapshot> read_stopped_once(pid_t pid, RemoteMemory& memory, const ReadPolicy& policy,
                                   ReadReport& report, bool& opened) {
    Result<Target> target = [&] {
        CachedMemory cached(memory);
        return open_target(pid, cached);
    }();
    if (!target) return std::move(target).error();
    opened = true;

    // Declared before the freezer, so destroyed after it: a Ctrl-Z during the pause stops aps
    // only once the target runs again.
    const JobControlHold hold;
    Result<ProcessFreezer> frozen = ProcessFreezer::freeze(pid);
    if (!frozen) return std::move(frozen).error();
    ++report.stops;
    report.threads = frozen->thread_count();
    if (policy.while_stopped) policy.while_stopped();
    Result<Snapshot> snapshot = [&] {
        CachedMemory cached(memory);
        if (auto ranges = readable_ranges(pid)) cached.set_readable_ranges(std::move(*ranges));
        return walk(*target, cached, policy.limits);
    }();
    std::chrono::nanoseconds pause = frozen->thaw();
    report.total_pause += pause;
    report.longest_pause = std::max(report.longest_pause, pause);
    return snapshot;
}

std::string plural(int n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

double milliseconds(std::chrono::nanoseconds d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

// A refusal whose usual advice (run aps as the target's user) would be wrong, reworded with its
// cause and what works; StopRefused carries a message that names its own fix (exit 4 all the
// same).
Error explained(Error error, pid_t pid) {
    if (error.code != Errc::PermissionDenied) return error;
    if (std::optional<std::string> why = explain_access_refusal(pid)) {
        return Error{Errc::StopRefused, std::move(*why)};
    }
    return error;
}

Result<Snapshot> read_live_snapshot_as_is(pid_t pid, const ReadPolicy& policy, ReadReport& report) {
    std::unique_ptr<RemoteMemory> memory = open_live_memory(pid);
    const int attempts = policy.retries + 1;
    Error last{Errc::ReadFailed, "no attempt made"};
    PartialJudge judge;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        ++report.attempts;
        bool opened = false;
        Result<Snapshot> snapshot = [&]() -> Result<Snapshot> {
            // A stopped target holds still: the batched re-checks of the first attempt suffice.
            if (policy.stop) return read_stopped_once(pid, *memory, policy, report, opened);
            // A fresh cache per attempt: a retry must see the target anew.
            CachedMemory cached(*memory);
            if (auto ranges = readable_ranges(pid)) cached.set_readable_ranges(std::move(*ranges));
            // The first attempt re-checks task names in batches (few syscalls, however many
            // tasks); a target that changed under it is re-read checking each task as soon as
            // it is read, so that only a task that changes within its own read fails the check.
            WalkLimits attempt_limits = policy.limits;
            if (attempt > 0) attempt_limits.tasks_per_check = 1;
            return read_once(pid, cached, attempt_limits, opened);
        }();
        if (snapshot) {
            // Read only once, there is no second look to compare with.
            if (judge.take(*snapshot, policy.stop) || attempts == 1) return snapshot;
            const Problem& first = snapshot->problems.front();
            last = Error{Errc::CorruptData, fmt::format("task {:#x}: {}", first.task, first.what)};
            continue;
        }
        judge.forget();
        last = std::move(snapshot).error();
        // Whatever read failed, a target that is gone now simply exited under us: say that,
        // rather than the breadcrumbs of the read that noticed it.
        if ((opened || is_transient(last.code)) && !process_exists(pid)) {
            return Error{Errc::NoSuchProcess,
                         fmt::format("process {} exited while being read", pid)};
        }
        if (!is_transient(last.code)) return last;
    }
    std::string tries = plural(attempts, "attempt", "attempts");
    if (policy.stop) {
        // Held still and still inconsistent: stopped mid-update every time, or corrupt.
        return Error{last.code,
                     fmt::format("the target's memory was inconsistent even while it was stopped "
                                 "({}; last error: {}); it may be corrupt; try again, or raise "
                                 "--retries",
                                 tries, last.message)};
    }
    return Error{last.code,
                 fmt::format("the target's memory kept changing while being read ({}; last error: "
                             "{}); try --stop for a consistent snapshot (it pauses the target "
                             "while aps reads), or raise --retries",
                             tries, last.message)};
}

}  // namespace

bool PartialJudge::take(const Snapshot& snapshot, bool held_still) {
    const bool only_cut = std::all_of(snapshot.problems.begin(), snapshot.problems.end(),
                                      [](const Problem& p) { return p.cut; });
    if (only_cut || held_still) return true;
    std::vector<std::pair<uint64_t, Problem::Part>> places;
    places.reserve(snapshot.problems.size());
    for (const Problem& p : snapshot.problems) places.emplace_back(p.task, p.part);
    std::sort(places.begin(), places.end());
    const bool again = missed_before_ && *missed_before_ == places;
    missed_before_ = std::move(places);
    return again;
}

Result<Snapshot> read_live_snapshot(pid_t pid, const ReadPolicy& policy, ReadReport& report) {
    Result<Snapshot> snapshot = read_live_snapshot_as_is(pid, policy, report);
    if (snapshot) return snapshot;
    return explained(std::move(snapshot).error(), pid);
}

std::string describe_read(pid_t pid, const ReadReport& report) {
    std::string text = fmt::format("aps: read process {} in {}", pid,
                                   plural(report.attempts, "attempt", "attempts"));
    if (report.stops == 0) return text + ", without stopping it";
    text += fmt::format("; stopped it {} ({}) for {:.3f} ms",
                        report.stops == 1 ? "once" : plural(report.stops, "time", "times"),
                        plural(static_cast<int>(report.threads), "thread", "threads"),
                        milliseconds(report.longest_pause));
    if (report.stops > 1) {
        text += fmt::format(" at most, {:.3f} ms in all", milliseconds(report.total_pause));
    }
    return text;
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
