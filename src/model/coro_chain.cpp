// Coroutine chains (see coro_chain.hpp).
//
// Each object on a chain is classified by its type (types.hpp). A native coroutine, generator or
// async generator embeds its frame; an async-generator step (asend/athrow) leads to the async
// generator it steps; anything else has no frame aps can read, and ends the chain.
// Following rule, as the reference follows: a coroutine suspended in `await` awaits the object a
// found at stackpointer - awaited_slot*8; the walk continues into a when a is a native coroutine,
// an async-generator step, or of the same type as the object awaiting it. Anything else (a
// Future, a @types.coroutine generator awaited by a coroutine, a custom awaitable, the wrapper
// that coroutine.__await__() returns) ends the chain.
#include "model/coro_chain.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "model/code_objects.hpp"
#include "model/cycle_guard.hpp"
#include "model/problems.hpp"
#include "model/remote_object.hpp"
#include "model/types.hpp"

namespace aps::model {
namespace {

// How a chain walk ended when it did not fail.
enum class End { Whole, Cut };

// The object that holds the frame for the chain's object at addr, of type `type`: itself, or the
// async generator an asend/athrow steps. 0 when the object has no frame aps can read. `info` is
// the type's, looked up by the caller; both become the holder's.
Result<uint64_t> frame_holder(WalkContext& ctx, CycleGuard& guard, uint64_t addr, uint64_t& type,
                              const TypeInfo*& info) {
    if (info->has_frame()) return addr;
    if (info->kind != TypeInfo::Kind::AsyncGenStep) return uint64_t{0};
    auto agen = read_ptr(ctx.memory, addr + ctx.off.frame.step_agen, "stepped async generator");
    if (!agen) return std::move(agen).error();
    if (*agen == 0 || guard.revisits(*agen)) {
        return Error{Errc::CorruptData, fmt::format("{} at {} steps no async generator ({})",
                                                    info->name, hex(addr), hex(*agen))};
    }
    auto agen_type = type_of(ctx, *agen);
    if (!agen_type) return std::move(agen_type).error();
    auto agen_info = type_info(ctx, *agen_type);
    if (!agen_info) return std::move(agen_info).error();
    if ((*agen_info)->kind != TypeInfo::Kind::AsyncGenerator) {
        return Error{Errc::CorruptData,
                     fmt::format("{} at {} steps a {} at {}, not an async generator", info->name,
                                 hex(addr), (*agen_info)->name, hex(*agen))};
    }
    type = *agen_type;
    info = *agen_info;
    return *agen;
}

// Appends the chain's frames to out, outermost first (the order they are found in). On failure
// the frames read before it stay in `out`.
Result<End> walk_chain(WalkContext& ctx, uint64_t coro_addr, std::vector<Frame>& out,
                       uint64_t& first_type) {
    const auto& gen = ctx.off.gen_object;
    const auto& fr = ctx.off.interpreter_frame;
    const auto& k = ctx.off.frame;

    const std::size_t start = out.size();
    CycleGuard guard;
    uint64_t current = coro_addr;
    auto type = type_of(ctx, current);
    if (!type) return std::move(type).error();
    first_type = *type;
    // Each object's type is looked up once: here for the first, below for each awaited one.
    auto first_info = type_info(ctx, *type);
    if (!first_info) return std::move(first_info).error();
    const TypeInfo* info = *first_info;
    for (;;) {
        if (guard.revisits(current)) {
            return Error{Errc::CorruptData, fmt::format("coroutine chain from {} loops at {}",
                                                        hex(coro_addr), hex(current))};
        }
        uint64_t holder_type = *type;
        const TypeInfo* holder_info = info;
        auto holder = frame_holder(ctx, guard, current, holder_type, holder_info);
        if (!holder) return std::move(holder).error();
        if (*holder == 0) break;  // no frame to read: only the first object can be such
        auto obj = RemoteObject::read(ctx.memory, *holder, gen.size, "coroutine");
        if (!obj) return std::move(obj).error();
        auto what = [&] { return fmt::format("{} at {}", holder_info->name, hex(*holder)); };
        const auto state = obj->get<int8_t>(gen.gi_frame_state);
        if (state == k.cleared) break;  // finished: no frame, as in the reference
        if (state < k.first_state || state > k.last_state) {
            return Error{Errc::CorruptData, fmt::format("{} has frame state {}, which no "
                                                        "generator has",
                                                        what(), state)};
        }
        const uint64_t frame = gen.gi_iframe;
        const uint64_t code = obj->ptr(frame + fr.executable);
        const auto owner = obj->get<uint8_t>(frame + fr.owner);
        if (owner != k.owned_by_thread && owner != k.owned_by_generator) {
            return Error{
                Errc::CorruptData,
                fmt::format("{} has a frame owned by {}, not by a generator", what(), owner)};
        }
        if (code == 0) {
            return Error{Errc::CorruptData, fmt::format("{} has a frame with no code", what())};
        }
        if (out.size() - start >= ctx.limits.max_frames_per_chain) return End::Cut;
        auto f = frame_for(ctx, code, obj->get<uint64_t>(frame + fr.instr_ptr));
        if (!f) return with_context(std::move(f).error(), "in " + what());
        out.push_back(*f);

        if (state != k.suspended_yield_from) break;
        if (owner != k.owned_by_generator) {
            return Error{Errc::CorruptData,
                         fmt::format("{} awaits in a frame it does not own", what())};
        }
        const uint64_t sp = obj->ptr(frame + fr.stackpointer);
        const uint64_t slot_bytes = k.awaited_slot * 8;
        if (sp == 0) break;
        if (sp < slot_bytes) {
            return Error{Errc::CorruptData,
                         fmt::format("{} has stack pointer {}", what(), hex(sp))};
        }
        auto awaited = read_ptr(ctx.memory, sp - slot_bytes, "awaited object");
        if (!awaited) return std::move(awaited).error();
        if (*awaited == 0) break;
        auto awaited_type = type_of(ctx, *awaited);
        if (!awaited_type) return std::move(awaited_type).error();
        auto awaited_info = type_info(ctx, *awaited_type);
        if (!awaited_info) return std::move(awaited_info).error();
        const auto kind = (*awaited_info)->kind;
        if (kind != TypeInfo::Kind::Coroutine && kind != TypeInfo::Kind::AsyncGenStep &&
            *awaited_type != holder_type) {
            break;
        }
        current = *awaited;
        type = awaited_type;
        info = *awaited_info;
    }
    return End::Whole;
}

}  // namespace

Result<Stack> coroutine_stack(WalkContext& ctx, uint64_t owner, uint64_t coro_addr,
                              std::vector<Frame>& out, bool remember) {
    const std::size_t start = out.size();
    // A task's own chain is rarely asked for twice: it skips the lookup's misses.
    const auto known = remember ? ctx.chains.find(coro_addr) : ctx.chains.end();
    Stack stack;
    if (known != ctx.chains.end()) {
        const auto from = ctx.chain_frames.begin() + known->second.frames.at;
        out.insert(out.end(), from, from + known->second.frames.n);
        stack = known->second;
    } else {
        auto end = walk_chain(ctx, coro_addr, out, stack.type);
        const bool cut = end && *end == End::Cut;
        if (!end || cut) {
            const std::string why =
                cut ? fmt::format(
                          "its coroutine chain is deeper than {} frames: the innermost "
                          "are left out",
                          ctx.limits.max_frames_per_chain)
                    : end.error().message;
            if (!ctx.keep_partial) {
                out.resize(start);
                if (cut) return Error{Errc::CorruptData, why};
                return std::move(end).error();
            }
            // The read so far, and where it stops.
            out.push_back(marker_frame(ctx, cut));
            stack.marks = cut ? kStackCut : kStackUnreadable;
            record_problem(ctx, owner, Problem::Part::Stack, cut, why);
        }
        std::reverse(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
        if (remember) {
            const std::size_t at = ctx.chain_frames.size();
            ctx.chain_frames.insert(ctx.chain_frames.end(), out.begin() + start, out.end());
            if (auto cached = slice_from(ctx.chain_frames, at, "frames")) {
                Stack entry = stack;
                entry.frames = *cached;
                ctx.chains.emplace(coro_addr, entry);
            } else {
                ctx.chain_frames.resize(at);  // not remembered: read again when asked again
            }
        }
    }
    auto slice = slice_from(out, start, "frames");
    if (!slice) {
        out.resize(start);
        return std::move(slice).error();
    }
    stack.frames = *slice;
    return stack;
}

}  // namespace aps::model
