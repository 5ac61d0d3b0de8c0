// Snapshots of a core file: parsed once, read once per snapshot (a core does not change, so
// nothing is retried and a task that could not be read whole is broken for good).
#include <fmt/format.h>

#include "read/cached_memory.hpp"
#include "read/core_target.hpp"
#include "read/target_source.hpp"

namespace aps::read {
namespace {

class CoreSource final : public Target::Source {
  public:
    CoreSource(CoreTarget core, ReadOptions options)
        : core_(std::move(core)), options_(std::move(options)) {}

    Result<Snapshot> snapshot(ReadReport& report) override {
        ++report.attempts;
        CachedMemory cached(core_.memory());
        cached.set_readable_ranges(core_.readable_ranges());
        Result<Runtime> runtime = core_.find_runtime(cached);
        if (!runtime) return std::move(runtime).error();
        // A core's memory has no second reader: one thread.
        Result<Snapshot> snapshot = walk_runtime(*runtime, cached, options_, WalkTuning{}, {});
        if (!snapshot && is_transient(snapshot.error().code)) {
            return Error{snapshot.error().code,
                         fmt::format("the memory in {} is inconsistent (written while the "
                                     "process was changing it, or damaged): {}",
                                     core_.describe(), snapshot.error().message)};
        }
        return snapshot;
    }

    pid_t pid() const override { return core_.pid(); }

  private:
    CoreTarget core_;
    ReadOptions options_;
};

}  // namespace

Result<std::unique_ptr<Target::Source>> core_source(const CoreOptions& core, ReadOptions options) {
    Result<CoreTarget> opened = open_core(core);
    if (!opened) return std::move(opened).error();
    return std::unique_ptr<Target::Source>(
        std::make_unique<CoreSource>(std::move(*opened), std::move(options)));
}

}  // namespace aps::read
