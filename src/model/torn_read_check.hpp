// The torn-read check for tasks: records the bytes a task's name was decoded from, then re-reads
// the tasks and those bytes fresh (uncached), in batches or task by task (WalkLimits::
// tasks_per_check), so a task renamed or freed while it was read is never printed with stale bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "aps/error.hpp"
#include "aps/memory.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

class TornReadCheck {
  public:
    // Records bytes read for the open task (merged with the previous range when adjacent).
    void record(uint64_t addr, std::span<const std::byte> bytes);
    void begin_task() { open_from_ = ranges_.size(); }
    // Forgets what was recorded since begin_task (a task the walk skips).
    void abandon_task();
    // Closes the open task: its address, the name pointer it was read with, and whether it was
    // linked in its list.
    void end_task(uint64_t task, uint64_t name_ptr, bool linked);
    std::size_t pending() const { return checks_.size(); }

    // Re-reads every pending task and its recorded bytes fresh: the same name pointer, still
    // linked, and the same name bytes (the name's reference count aside: it changes whenever the
    // target looks at the name), or CorruptData (a torn read). Clears the pending tasks, also
    // when it fails.
    Result<void> verify(WalkContext& ctx);

  private:
    struct Range {
        uint64_t addr, offset, size;  // bytes [offset, offset + size) of bytes_
    };
    struct Check {
        uint64_t task;
        uint64_t name_ptr;
        bool linked;
        std::size_t first_range, end_range;
    };
    struct Run {
        uint64_t start, end;
        std::size_t offset;  // into now_
    };

    // The [start, end) spans of every pending task and range, rounded out to `align` (a power of
    // two; 1 for exact spans), sorted and merged into runs_.
    void build_runs(uint64_t task_size, uint64_t align);
    Result<void> read_runs(WalkContext& ctx);
    Result<void> compare(WalkContext& ctx);
    void clear();
    // The fresh bytes [addr, addr + size), inside one run by construction.
    std::span<const std::byte> fresh(uint64_t addr, uint64_t size) const;

    std::vector<Check> checks_;
    std::vector<Run> runs_;
    std::vector<std::byte> now_;
    std::vector<Range> ranges_;
    std::vector<std::byte> bytes_;
    std::size_t open_from_ = 0;
};

// Reads through another RemoteMemory, bypassing its cache: what the target holds now.
class FreshMemory final : public RemoteMemory {
  public:
    explicit FreshMemory(RemoteMemory& inner) : inner_(inner) {}
    Result<void> read(uint64_t addr, std::span<std::byte> out) override {
        return inner_.read_fresh(addr, out);
    }

  private:
    RemoteMemory& inner_;
};

// Reads through another RemoteMemory and records every byte read in a TornReadCheck.
class RecordingMemory final : public RemoteMemory {
  public:
    RecordingMemory(RemoteMemory& inner, TornReadCheck& log) : inner_(inner), log_(log) {}
    Result<void> read(uint64_t addr, std::span<std::byte> out) override {
        auto r = inner_.read(addr, out);
        if (r) log_.record(addr, out);
        return r;
    }

  private:
    RemoteMemory& inner_;
    TornReadCheck& log_;
};

}  // namespace aps::model
