// aps::Target, the read layer's front door (see aps/target.hpp): a source of snapshots, live or
// from a core, and the walk that each attempt of either runs.
#include "aps/target.hpp"

#include "read/runtime_locator.hpp"
#include "read/target_source.hpp"

namespace aps {

Target::Target(std::unique_ptr<Source> source) : source_(std::move(source)) {}
Target::Target(Target&&) noexcept = default;
Target& Target::operator=(Target&&) noexcept = default;
Target::~Target() = default;

Result<Target> Target::open(pid_t pid, ReadOptions options) {
    return Target(read::live_source(pid, std::move(options)));
}

Result<Target> Target::open(const CoreOptions& core, ReadOptions options) {
    auto source = read::core_source(core, std::move(options));
    if (!source) return std::move(source).error();
    return Target(std::move(*source));
}

Result<Snapshot> Target::snapshot() {
    source_->report = ReadReport{};
    return source_->snapshot(source_->report);
}

const ReadReport& Target::report() const {
    return source_->report;
}

pid_t Target::pid() const {
    return source_->pid();
}

namespace read {

Result<Snapshot> walk_runtime(const Runtime& runtime, CachedMemory& cached,
                              const ReadOptions& options, WalkTuning tuning,
                              const std::function<std::unique_ptr<RemoteMemory>()>& another) {
    WalkInput input = walk_input(runtime);
    input.tuning = tuning;
    input.request = options.request;
    if (options.jobs > 1 && another) {
        // The second thread's cache takes the blocks this one has just loaded (tasks and their
        // coroutines share pages).
        input.second_reader = [&cached, &another]() -> std::unique_ptr<RemoteMemory> {
            return cached.linked(another());
        };
    }
    return walk_snapshot(cached, input, options.limits);
}

}  // namespace read
}  // namespace aps
