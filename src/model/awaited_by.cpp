// Awaited-by links (see awaited_by.hpp and docs/design.md, "Awaited-by sets").
//
// Deleted set slots hold CPython's private dummy key, whose address is unknown remotely. A
// non-NULL key is taken as an awaiter when its type is the type of a task seen in a task list;
// otherwise it is skipped when its type is named "<dummy key> type" (_PySetDummy_Type), and taken
// only if it then reads as a future (its fut_is_task byte is 0 or 1). Live keys keep slot order.
#include "model/awaited_by.hpp"

#include <fmt/format.h>

#include <string>

#include "model/coro_chain.hpp"
#include "model/problems.hpp"
#include "model/types.hpp"

namespace aps::model {
namespace {

constexpr uint64_t kSetEntryBytes = 16;  // setentry { PyObject* key; Py_hash_t hash; }

Result<Slice> read_awaiter(WalkContext& ctx, uint64_t addr, ChainArrays out) {
    const auto& t = ctx.aio.task_object;
    auto obj = RemoteObject::read(ctx.memory, addr, t.size, "awaiter");
    if (!obj) return std::move(obj).error();
    return awaiter_from(ctx, addr, obj->get<uint8_t>(t.task_is_task), obj->ptr(t.task_coro), out);
}

// Appends nothing for a key that is a deleted-slot dummy (or otherwise not a future).
Result<void> read_set_key(WalkContext& ctx, uint64_t key, ChainArrays out) {
    auto type = type_of(ctx, key);
    if (!type) return std::move(type).error();
    if (!ctx.task_types.contains(*type)) {
        auto info = type_info(ctx, *type);
        if (!info) return std::move(info).error();
        if ((*info)->kind == TypeInfo::Kind::SetDummy) return {};
        auto is_task =
            read_value<uint8_t>(ctx.memory, key + ctx.aio.task_object.task_is_task, "awaiter");
        if (!is_task) return std::move(is_task).error();
        if (*is_task > 1) return {};
    }
    auto awaiter = read_awaiter(ctx, key, out);
    if (!awaiter) return std::move(awaiter).error();
    return {};
}

Result<Slice> read_set(WalkContext& ctx, uint64_t set_addr, ChainArrays out) {
    const auto& s = ctx.off.set_object;
    auto set = RemoteObject::read(ctx.memory, set_addr, s.size, "awaited-by set");
    if (!set) return std::move(set).error();
    auto used = set->get<int64_t>(s.used);
    auto mask = set->get<int64_t>(s.mask);
    uint64_t table = set->ptr(s.table);
    if (mask < 0 || static_cast<uint64_t>(mask) >= ctx.limits.max_awaiters_per_task || used < 0 ||
        used > mask + 1 || table == 0) {
        return Error{Errc::CorruptData,
                     fmt::format("invalid awaited-by set at {} (used {}, mask {})", hex(set_addr),
                                 used, mask)};
    }
    uint64_t slots = static_cast<uint64_t>(mask) + 1;
    std::vector<std::byte> entries(slots * kSetEntryBytes);
    if (auto r = ctx.memory.read(table, entries); !r) {
        return reading_error(std::move(r).error(), "awaited-by set table", table);
    }
    const std::size_t start = out.awaiters.size();
    for (uint64_t i = 0; i < slots && out.awaiters.size() - start < static_cast<uint64_t>(used);
         ++i) {
        uint64_t key = untag(field<uint64_t>(entries, i * kSetEntryBytes));
        if (key == 0) continue;
        if (auto r = read_set_key(ctx, key, out); !r) {
            return with_context(std::move(r).error(), "awaited-by set slot " + std::to_string(i));
        }
    }
    return slice_from(out.awaiters, start, "awaiters");
}

}  // namespace

Result<Slice> awaiter_from(WalkContext& ctx, uint64_t addr, uint8_t is_task, uint64_t coro,
                           ChainArrays out) {
    Awaiter awaiter;
    awaiter.id = addr;
    if (is_task == 1 && coro != 0) {
        auto stack = coroutine_stack(ctx, addr, coro, out.frames);
        if (!stack) return with_context(std::move(stack).error(), "awaiter " + hex(addr));
        awaiter.frames = stack->frames;
    }
    const std::size_t start = out.awaiters.size();
    out.awaiters.push_back(awaiter);
    return slice_from(out.awaiters, start, "awaiters");
}

// A set already read for another task (a target's tasks share none, a hostile one may share one
// among thousands): the snapshot's arrays share its awaiters too; other arrays (a worker's
// batch) get a copy of the entries, which refer to the same frames.
Result<Slice> set_read_before(WalkContext& ctx, Slice known, ChainArrays out) {
    if (&out.awaiters == &ctx.snapshot.awaiters) return known;
    const std::size_t start = out.awaiters.size();
    out.awaiters.reserve(start + known.n);
    for (uint32_t i = 0; i < known.n; ++i) out.awaiters.push_back(out.awaiters[known.at + i]);
    return slice_from(out.awaiters, start, "awaiters");
}

Result<Awaiters> read_awaited_by(WalkContext& ctx, uint64_t task, uint64_t awaited_by, bool is_set,
                                 ChainArrays out) {
    const std::size_t start = out.awaiters.size();
    if (awaited_by == 0) return Awaiters{};
    if (is_set) {
        if (auto known = ctx.sets.find(awaited_by); known != ctx.sets.end()) {
            auto again = set_read_before(ctx, known->second, out);
            if (!again) return std::move(again).error();
            return Awaiters{*again, 0};
        }
    }
    Result<Slice> read =
        is_set ? read_set(ctx, awaited_by, out) : read_awaiter(ctx, awaited_by, out);
    if (read && is_set) ctx.sets.emplace(awaited_by, *read);
    if (read) return Awaiters{*read, 0};
    if (!ctx.keep_partial || read.error().code == Errc::TooLarge) return std::move(read).error();
    auto kept = slice_from(out.awaiters, start, "awaiters");
    if (!kept) return std::move(kept).error();
    record_problem(ctx, task, Problem::Part::Awaiters, false, read.error().message);
    return Awaiters{*kept, kAwaitersUnreadable};
}

}  // namespace aps::model
