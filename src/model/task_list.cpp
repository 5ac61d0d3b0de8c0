// Task lists and tasks (see task_list.hpp and internals §5.8).
#include "model/task_list.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <span>
#include <vector>

#include "model/awaited_by.hpp"
#include "model/coro_chain.hpp"
#include "model/cycle_guard.hpp"
#include "model/remote_object.hpp"
#include "model/task_name.hpp"

namespace aps::model {
namespace {

// The target runs on: a task may be unlinked (finished, freed) or renamed while it is read, and
// its old name may then be freed memory already reused by another string; a cached block may also
// predate the task's current name. So every byte a task's name was decoded from is recorded, and
// in batches (one fresh scatter read per few hundred tasks) the task and those bytes are read
// again from the target, uncached: the same name pointer, still linked, and the same name bytes,
// or the read is torn (and retried). The name printed is then the task's name at the re-check.
class NameLog {
  public:
    struct Range {
        uint64_t addr, offset, size;  // bytes [offset, offset + size) of bytes_
    };
    struct Check {
        uint64_t task;
        uint64_t name_ptr;
        bool linked;
        std::size_t first_range, end_range;
    };

    void record(uint64_t addr, std::span<const std::byte> bytes) {
        if (!ranges_.empty() && ranges_.size() > open_from_) {
            Range& last = ranges_.back();  // merge with an overlapping or adjacent range
            if (addr <= last.addr + last.size && addr + bytes.size() >= last.addr &&
                last.offset + last.size == bytes_.size()) {
                uint64_t lo = std::min(addr, last.addr);
                uint64_t hi = std::max(addr + bytes.size(), last.addr + last.size);
                std::vector<std::byte> merged(hi - lo);
                std::memcpy(merged.data() + (last.addr - lo), bytes_.data() + last.offset,
                            last.size);
                std::memcpy(merged.data() + (addr - lo), bytes.data(), bytes.size());
                bytes_.resize(last.offset);
                bytes_.insert(bytes_.end(), merged.begin(), merged.end());
                last.addr = lo;
                last.size = hi - lo;
                return;
            }
        }
        ranges_.push_back({addr, bytes_.size(), bytes.size()});
        bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    }
    void begin_task() { open_from_ = ranges_.size(); }
    void end_task(uint64_t task, uint64_t name_ptr, bool linked) {
        checks_.push_back({task, name_ptr, linked, open_from_, ranges_.size()});
        open_from_ = ranges_.size();
    }
    std::size_t pending() const { return checks_.size(); }

    // One fresh read of the pages that hold the pending tasks and their names: objects sit
    // close together, so a few page runs cover hundreds of tasks.
    Result<void> verify(WalkContext& ctx) {
        if (checks_.empty()) return {};
        const auto& t = ctx.aio.task_object;
        if (!read_page_runs(ctx, t.size)) {
            // Memory not in whole pages (a fake image) or pages gone: exact ranges, which fail
            // with the error of the first range that cannot be read.
            if (auto r = read_exact_ranges(ctx, t.size); !r) {
                return with_context(std::move(r).error(), "re-reading tasks");
            }
        }
        const uint64_t next_at = t.task_node + ctx.off.llist_node.next;
        for (const Check& c : checks_) {
            auto task_now = fresh(c.task, t.size);
            bool same = untag(field<uint64_t>(task_now, t.task_name)) == c.name_ptr &&
                        (field<uint64_t>(task_now, next_at) != 0 || !c.linked);
            for (std::size_t k = c.first_range; same && k < c.end_range; ++k) {
                const Range& r = ranges_[k];
                same = std::memcmp(fresh(r.addr, r.size).data(), bytes_.data() + r.offset,
                                   r.size) == 0;
            }
            if (!same) {
                return Error{
                    Errc::CorruptData,
                    fmt::format("task {} finished or was renamed while being read", hex(c.task))};
            }
        }
        checks_.clear();
        ranges_.clear();
        bytes_.clear();
        open_from_ = 0;
        return {};
    }

  private:
    static constexpr uint64_t kPageMask = 4095;

    bool read_page_runs(WalkContext& ctx, uint64_t task_size) {
        std::vector<std::pair<uint64_t, uint64_t>> spans;  // [first page, end page) per range
        spans.reserve(checks_.size() + ranges_.size());
        auto add = [&](uint64_t addr, uint64_t size) {
            if (size != 0)
                spans.emplace_back(addr & ~kPageMask, (addr + size + kPageMask) & ~kPageMask);
        };
        for (const Check& c : checks_) add(c.task, task_size);
        for (const Range& r : ranges_) add(r.addr, r.size);
        std::sort(spans.begin(), spans.end());
        runs_.clear();
        for (const auto& [lo, hi] : spans) {
            if (!runs_.empty() && lo <= runs_.back().end) {
                runs_.back().end = std::max(runs_.back().end, hi);
            } else {
                runs_.push_back({lo, hi, 0});
            }
        }
        return read_runs(ctx);
    }

    Result<void> read_exact_ranges(WalkContext& ctx, uint64_t task_size) {
        std::vector<std::pair<uint64_t, uint64_t>>
            spans;  // exact [addr, end), merged if overlapping
        for (const Check& c : checks_) spans.emplace_back(c.task, c.task + task_size);
        for (const Range& r : ranges_) spans.emplace_back(r.addr, r.addr + r.size);
        std::sort(spans.begin(), spans.end());
        runs_.clear();
        for (const auto& [lo, hi] : spans) {
            if (!runs_.empty() && lo <= runs_.back().end) {
                runs_.back().end = std::max(runs_.back().end, hi);
            } else {
                runs_.push_back({lo, hi, 0});
            }
        }
        return read_runs_result(ctx);
    }

    bool read_runs(WalkContext& ctx) { return read_runs_result(ctx).ok(); }

    Result<void> read_runs_result(WalkContext& ctx) {
        std::size_t total = 0;
        for (Run& run : runs_) {
            run.offset = total;
            total += run.end - run.start;
        }
        now_.resize(total);
        std::vector<RemoteMemory::ReadRequest> requests;
        requests.reserve(runs_.size());
        for (const Run& run : runs_) {
            requests.push_back(
                {run.start, std::span(now_).subspan(run.offset, run.end - run.start)});
        }
        return ctx.memory.read_fresh_batch(requests);
    }
    struct Run {
        uint64_t start, end;
        std::size_t offset;  // into now_
    };
    // The fresh bytes [addr, addr + size), inside one run by construction.
    std::span<const std::byte> fresh(uint64_t addr, uint64_t size) const {
        auto it = std::upper_bound(runs_.begin(), runs_.end(), addr,
                                   [](uint64_t a, const Run& r) { return a < r.start; });
        const Run& run = *(it - 1);
        return std::span<const std::byte>(now_).subspan(run.offset + (addr - run.start), size);
    }

    std::vector<Check> checks_;
    std::vector<Run> runs_;
    std::vector<std::byte> now_;
    std::vector<Range> ranges_;
    std::vector<std::byte> bytes_;
    std::size_t open_from_ = 0;
};

constexpr std::size_t kTasksPerCheck = 256;

// Reads through the walk's memory and records every byte read in a NameLog.
class RecordingMemory final : public RemoteMemory {
  public:
    RecordingMemory(RemoteMemory& inner, NameLog& log) : inner_(inner), log_(log) {}
    Result<void> read(uint64_t addr, std::span<std::byte> out) override {
        auto r = inner_.read(addr, out);
        if (r) log_.record(addr, out);
        return r;
    }

  private:
    RemoteMemory& inner_;
    NameLog& log_;
};

Result<Task> read_task(WalkContext& ctx, const RemoteObject& obj, NameLog& log) {
    const auto& t = ctx.aio.task_object;
    Task task;
    task.id = obj.address();
    log.begin_task();
    RecordingMemory recording(ctx.memory, log);
    WalkContext name_ctx(recording, ctx.off, ctx.aio, ctx.limits, ctx.snapshot);
    name_ctx.types.swap(ctx.types);  // type objects live on: keep the per-walk type cache
    auto name = read_task_name(name_ctx, obj.ptr(t.task_name));
    name_ctx.types.swap(ctx.types);
    if (!name) return std::move(name).error();
    task.name = std::move(*name);
    log.end_task(obj.address(), obj.ptr(t.task_name),
                 obj.get<uint64_t>(t.task_node + ctx.off.llist_node.next) != 0);
    if (uint64_t coro = obj.ptr(t.task_coro)) {
        auto frames = coroutine_stack(ctx, coro, /*remember=*/false);
        if (!frames) return std::move(frames).error();
        task.frames = std::move(*frames);
    }
    auto awaiters = read_awaited_by(ctx, obj);
    if (!awaiters) return std::move(awaiters).error();
    task.awaited_by = std::move(*awaiters);
    return task;
}

}  // namespace

Result<std::vector<Task>> read_task_list(WalkContext& ctx, uint64_t head_addr) {
    const auto& t = ctx.aio.task_object;
    const auto& node = ctx.off.llist_node;
    auto first = read_ptr(ctx.memory, head_addr + node.next, "task list head");
    if (!first) return std::move(first).error();

    std::vector<Task> tasks;
    NameLog log;
    CycleGuard guard;
    uint64_t count = 0;
    for (uint64_t cur = *first; cur != head_addr;) {
        if (cur == 0) {
            return Error{
                Errc::CorruptData,
                fmt::format("task list {} has a NULL link after {} tasks", hex(head_addr), count)};
        }
        if (++count > ctx.limits.max_tasks_per_list || guard.revisits(cur)) {
            return Error{Errc::CorruptData,
                         fmt::format("task list {} does not return to its head", hex(head_addr))};
        }
        if (cur < t.task_node) {
            return Error{Errc::CorruptData, fmt::format("invalid task list node {}", hex(cur))};
        }
        uint64_t task_addr = cur - t.task_node;
        auto obj = RemoteObject::read(ctx.memory, task_addr, t.size, "task");
        if (!obj) return std::move(obj).error();
        ctx.task_types.insert(obj->ptr(ctx.off.pyobject.ob_type));
        auto task = read_task(ctx, *obj, log);
        if (!task) return with_context(std::move(task).error(), "task " + hex(task_addr));
        tasks.push_back(std::move(*task));
        if (log.pending() >= kTasksPerCheck) {
            if (auto r = log.verify(ctx); !r) return std::move(r).error();
        }
        cur = obj->get<uint64_t>(t.task_node + node.next);
    }
    if (auto r = log.verify(ctx); !r) return std::move(r).error();
    return tasks;
}

}  // namespace aps::model
