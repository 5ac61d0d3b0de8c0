// The torn-read check for tasks (see torn_read_check.hpp).
#include "model/torn_read_check.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "model/remote_object.hpp"

namespace aps::model {

namespace {
constexpr uint64_t kPageSize = 4096;
}  // namespace

void TornReadCheck::record(uint64_t addr, std::span<const std::byte> bytes) {
    if (!ranges_.empty() && ranges_.size() > open_from_) {
        Range& last = ranges_.back();  // merge with an overlapping or adjacent range
        if (addr <= last.addr + last.size && addr + bytes.size() >= last.addr &&
            last.offset + last.size == bytes_.size()) {
            // The last range's bytes end bytes_: widen them in place (a name's header, then its
            // characters, extend to the right; nothing needs a buffer of its own).
            const uint64_t lo = std::min(addr, last.addr);
            const uint64_t hi = std::max(addr + bytes.size(), last.addr + last.size);
            if (lo < last.addr) {
                bytes_.insert(bytes_.begin() + static_cast<std::ptrdiff_t>(last.offset),
                              last.addr - lo, std::byte{0});
            }
            bytes_.resize(last.offset + (hi - lo));
            std::memcpy(bytes_.data() + last.offset + (addr - lo), bytes.data(), bytes.size());
            last.addr = lo;
            last.size = hi - lo;
            return;
        }
    }
    ranges_.push_back({addr, bytes_.size(), bytes.size()});
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
}

void TornReadCheck::abandon_task() {
    if (open_from_ < ranges_.size()) {
        bytes_.resize(ranges_[open_from_].offset);
        ranges_.resize(open_from_);
    }
}

void TornReadCheck::end_task(uint64_t task, uint64_t name_ptr, bool linked) {
    checks_.push_back({task, name_ptr, linked, open_from_, ranges_.size()});
    open_from_ = ranges_.size();
}

Result<void> TornReadCheck::verify(WalkContext& ctx) {
    if (checks_.empty()) return {};
    auto r = compare(ctx);
    clear();
    return r;
}

void TornReadCheck::clear() {
    checks_.clear();
    ranges_.clear();
    bytes_.clear();
    open_from_ = 0;
}

Result<void> TornReadCheck::compare(WalkContext& ctx) {
    const auto& t = ctx.aio.task_object;
    // Whole pages first: one scatter read. Memory not in whole pages (a fake image) or pages
    // gone: exact ranges, which fail with the error of the first range that cannot be read.
    build_runs(t.size, kPageSize);
    if (!read_runs(ctx)) {
        build_runs(t.size, 1);
        if (auto r = read_runs(ctx); !r)
            return with_context(std::move(r).error(), "re-reading tasks");
    }
    const uint64_t next_at = t.task_node + ctx.off.llist_node.next;
    for (const Check& c : checks_) {
        auto task_now = fresh(c.task, t.size);
        bool same = untag(field<uint64_t>(task_now, t.task_name)) == c.name_ptr &&
                    (field<uint64_t>(task_now, next_at) != 0 || !c.linked);
        // The name's first word is its reference count (ob_refcnt): not part of the name.
        const uint64_t skip_lo = c.name_ptr, skip_hi = c.name_ptr + 8;
        for (std::size_t k = c.first_range; same && k < c.end_range; ++k) {
            const Range& r = ranges_[k];
            if (r.size == 0) continue;  // nothing to compare, and no run needs to hold it
            const std::byte* now = fresh(r.addr, r.size).data();
            const std::byte* then = bytes_.data() + r.offset;
            uint64_t lo = std::clamp(skip_lo, r.addr, r.addr + r.size) - r.addr;
            uint64_t hi = std::clamp(skip_hi, r.addr, r.addr + r.size) - r.addr;
            same = std::memcmp(now, then, lo) == 0 &&
                   std::memcmp(now + hi, then + hi, r.size - hi) == 0;
        }
        if (!same) {
            return Error{
                Errc::CorruptData,
                fmt::format("task {} finished or was renamed while being read", hex(c.task))};
        }
    }
    return {};
}

void TornReadCheck::build_runs(uint64_t task_size, uint64_t align) {
    std::vector<std::pair<uint64_t, uint64_t>> spans;
    spans.reserve(checks_.size() + ranges_.size());
    auto add = [&](uint64_t addr, uint64_t size) {
        if (size != 0)
            spans.emplace_back(addr & ~(align - 1), (addr + size + align - 1) & ~(align - 1));
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
}

Result<void> TornReadCheck::read_runs(WalkContext& ctx) {
    std::size_t total = 0;
    for (Run& run : runs_) {
        run.offset = total;
        total += run.end - run.start;
    }
    now_.resize(total);
    std::vector<RemoteMemory::ReadRequest> requests;
    requests.reserve(runs_.size());
    for (const Run& run : runs_) {
        requests.push_back({run.start, std::span(now_).subspan(run.offset, run.end - run.start)});
    }
    return ctx.memory.read_fresh_batch(requests);
}

std::span<const std::byte> TornReadCheck::fresh(uint64_t addr, uint64_t size) const {
    auto it = std::upper_bound(runs_.begin(), runs_.end(), addr,
                               [](uint64_t a, const Run& r) { return a < r.start; });
    const Run& run = *(it - 1);
    return std::span<const std::byte>(now_).subspan(run.offset + (addr - run.start), size);
}

}  // namespace aps::model
