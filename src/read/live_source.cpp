// Snapshots of a live process: each attempt reads the maps once, finds the runtime and walks the
// tasks through a fresh cache; an attempt that saw the target change is retried, a snapshot that
// could not read some tasks whole is settled by the PartialJudge; with --stop, each walk holds
// the target stopped.
#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <limits>
#include <optional>

#include "read/access_refusal.hpp"
#include "read/cached_memory.hpp"
#include "read/job_control_hold.hpp"
#include "read/live_platform.hpp"
#include "read/native_unwind.hpp"
#include "read/partial_judge.hpp"
#include "read/process_freezer.hpp"
#include "read/target_source.hpp"
#include "read/thread_cpu_state.hpp"

namespace aps::read {
namespace {

bool process_exists(pid_t pid) {
    return ::kill(pid, 0) == 0 || errno == EPERM;
}

std::string plural(int n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
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

class LiveSource final : public Target::Source {
  public:
    LiveSource(pid_t pid, ReadOptions options)
        : pid_(pid), options_(std::move(options)), memory_(open_live_memory(pid)) {
        // A thread's CPU state is the kernel's: asked while the walk reads that thread.
        if (options_.request.stacks) {
            options_.request.cpu_state = [pid](uint64_t tid) { return thread_cpu_state(pid, tid); };
        }
    }

    Result<Snapshot> snapshot(ReadReport& report) override {
        Result<Snapshot> snapshot = retried(report);
        if (snapshot) return snapshot;
        return explained(std::move(snapshot).error(), pid_);
    }

    pid_t pid() const override { return pid_; }

  private:
    // A fresh cache, bounded by the target's readable mappings: a retry must see it anew.
    std::unique_ptr<CachedMemory> fresh_cache(std::span<const MapEntry> maps) {
        CacheOptions cache;
        // Thread stacks alone (aps dump without tasks): a few objects per thread, spread over
        // the heap (each thread's state, its frames' chunk), are read a page each.
        if (!options_.request.tasks) cache.page_loads = std::numeric_limits<std::size_t>::max();
        auto cached = std::make_unique<CachedMemory>(*memory_, cache);
        cached->set_readable_ranges(readable_ranges(maps));
        return cached;
    }

    Result<Snapshot> walk(const Runtime& runtime, CachedMemory& cached, WalkTuning tuning) {
        return walk_runtime(runtime, cached, options_, tuning,
                            [this] { return another_live_reader(*memory_); });
    }

    // `opened`: the target was found alive and Python before the walk began. The maps are read
    // once per attempt.
    Result<Snapshot> once(int attempt, bool& opened) {
        auto maps = read_live_maps(pid_);
        if (!maps) return std::move(maps).error();
        auto cached = fresh_cache(*maps);
        auto runtime = locate_live_runtime(pid_, *maps, *cached);
        if (!runtime) return std::move(runtime).error();
        opened = true;
        // The first attempt re-checks task names in batches (few syscalls, however many tasks);
        // a target that changed under it is re-read checking each task as soon as it is read,
        // so that only a task that changes within its own read fails the check.
        WalkTuning tuning;
        if (attempt > 0) tuning.tasks_per_check = 1;
        return walk(*runtime, *cached, tuning);
    }

    // --stop: the runtime is found while the target runs (where its tables are does not
    // change), then the target is held only for the walk, which gets a cache of its own:
    // nothing read before the stop may serve it.
    Result<Snapshot> stopped_once(ReadReport& report, bool& opened) {
        auto maps = read_live_maps(pid_);
        if (!maps) return std::move(maps).error();
        Result<Runtime> runtime = [&] {
            auto cached = fresh_cache(*maps);
            return locate_live_runtime(pid_, *maps, *cached);
        }();
        if (!runtime) return std::move(runtime).error();
        opened = true;

        // --native-frames: the mapped files are read before the stop, which then only walks.
        std::optional<NativeUnwinder> unwinder;
        if (options_.native_frames) unwinder.emplace(NativeUnwinder::prepare(pid_));

        // Declared before the freezer, so destroyed after it: a Ctrl-Z during the pause stops
        // aps only once the target runs again.
        const JobControlHold hold;
        Result<ProcessFreezer> frozen = ProcessFreezer::freeze(pid_);
        if (!frozen) return std::move(frozen).error();
        ++report.stops;
        report.threads = frozen->thread_count();
        // --native-frames: the native stacks and the Python ones are of the same instant, so
        // each eval-loop frame gets the Python frames it runs. The test hook then runs
        // mid-unwind, else before the walk.
        std::vector<NativeStack> native;
        if (unwinder) {
            native =
                unwinder->unwind(frozen->stopped_threads(), UnwindLimits{}, options_.while_stopped);
        } else if (options_.while_stopped) {
            options_.while_stopped();
        }
        Result<Snapshot> snapshot = walk(*runtime, *fresh_cache(*maps), WalkTuning{});
        const std::chrono::nanoseconds pause = frozen->thaw();
        if (unwinder) unwinder->name_frames(native);  // the target runs again: no hurry
        if (snapshot) snapshot->native_stacks = std::move(native);
        report.total_pause += pause;
        report.longest_pause = std::max(report.longest_pause, pause);
        return snapshot;
    }

    Result<Snapshot> retried(ReadReport& report) {
        const int attempts = options_.retries + 1;
        Error last{Errc::ReadFailed, "no attempt made"};
        PartialJudge judge;
        for (int attempt = 0; attempt < attempts; ++attempt) {
            ++report.attempts;
            bool opened = false;
            // A stopped target holds still: the batched re-checks of the first attempt suffice.
            Result<Snapshot> snapshot =
                options_.stop ? stopped_once(report, opened) : once(attempt, opened);
            if (snapshot) {
                // Read only once, there is no second look to compare with.
                if (judge.take(*snapshot, options_.stop) || attempts == 1) return snapshot;
                const Problem& first = snapshot->problems.front();
                last =
                    Error{Errc::CorruptData, fmt::format("task {:#x}: {}", first.task, first.what)};
                continue;
            }
            judge.forget();
            last = std::move(snapshot).error();
            // Whatever read failed, a target that is gone now simply exited under us: say that,
            // rather than the breadcrumbs of the read that noticed it.
            if ((opened || is_transient(last.code)) && !process_exists(pid_)) {
                return Error{Errc::NoSuchProcess,
                             fmt::format("process {} exited while being read", pid_)};
            }
            if (!is_transient(last.code)) return last;
        }
        const std::string tries = plural(attempts, "attempt", "attempts");
        if (options_.stop) {
            // Held still and still inconsistent: stopped mid-update every time, or corrupt.
            return Error{last.code,
                         fmt::format("the target's memory was inconsistent even while it was "
                                     "stopped ({}; last error: {}); it may be corrupt; try "
                                     "again, or raise --retries",
                                     tries, last.message)};
        }
        return Error{last.code,
                     fmt::format("the target's memory kept changing while being read ({}; last "
                                 "error: {}); try --stop for a consistent snapshot (it pauses "
                                 "the target while aps reads), or raise --retries",
                                 tries, last.message)};
    }

    pid_t pid_;
    ReadOptions options_;
    std::unique_ptr<RemoteMemory> memory_;
};

}  // namespace

std::unique_ptr<Target::Source> live_source(pid_t pid, ReadOptions options) {
    return std::make_unique<LiveSource>(pid, std::move(options));
}

}  // namespace aps::read
