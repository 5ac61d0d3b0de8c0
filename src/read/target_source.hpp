// The reading of one kind of target behind aps::Target: a live process (live_source.cpp) or a
// core file (core_source.cpp).
#pragma once

#include <memory>

#include "aps/target.hpp"
#include "read/cached_memory.hpp"

namespace aps {

class Target::Source {
  public:
    virtual ~Source() = default;
    virtual Result<Snapshot> snapshot(ReadReport& report) = 0;
    virtual pid_t pid() const = 0;  // Target::pid
    ReadReport report;              // of the last snapshot
};

namespace read {

// The walk of one attempt over `cached`, with a second reader linked to it when the read may use
// two threads and the memory can make one (`another`, null: none).
Result<Snapshot> walk_runtime(const Runtime& runtime, CachedMemory& cached,
                              const ReadOptions& options, WalkTuning tuning,
                              const std::function<std::unique_ptr<RemoteMemory>()>& another);

std::unique_ptr<Target::Source> live_source(pid_t pid, ReadOptions options);
Result<std::unique_ptr<Target::Source>> core_source(const CoreOptions& core, ReadOptions options);

}  // namespace read
}  // namespace aps
