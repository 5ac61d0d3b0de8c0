// Coroutine chains (see coro_chain.hpp and internals §5.5–5.6).
//
// Following rule: a suspended-in-await coroutine-like object c awaits the object a found at
// stackpointer - awaited_slot*8. The walk continues into a when type(a) is the type of an object
// already in the chain (the task's coroutine type, or an async generator reached earlier; this
// covers coroutine → coroutine and async generator → coroutine), or into the async generator
// wrapped by a when a is an async_generator_asend/athrow object. Anything else (a Future, a
// types.coroutine generator, a custom awaitable) ends the chain, as in the reference.
#include "model/coro_chain.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "model/code_objects.hpp"
#include "model/cycle_guard.hpp"
#include "model/remote_object.hpp"
#include "model/types.hpp"

namespace aps::model {
namespace {

// The wrapped async generator sits in the first field after the object header.
constexpr uint64_t kWrapperAgenOffset = 16;

// Chain types are few (coroutine, async generator, a subclass or two): a linear set, kept inline
// since every task builds one.
class TypeSet {
  public:
    bool contains(uint64_t t) const {
        return std::find(inline_.begin(), inline_.begin() + used_, t) != inline_.begin() + used_ ||
               std::find(more_.begin(), more_.end(), t) != more_.end();
    }
    void add(uint64_t t) {
        if (contains(t)) return;
        if (used_ < inline_.size()) {
            inline_[used_++] = t;
        } else {
            more_.push_back(t);
        }
    }

  private:
    std::array<uint64_t, 4> inline_{};
    std::size_t used_ = 0;
    std::vector<uint64_t> more_;
};

// Appends the chain's frames to out, outermost first (the order they are found in).
Result<void> walk_chain(WalkContext& ctx, uint64_t coro_addr, std::vector<Frame>& out) {
    const auto& gen = ctx.off.gen_object;
    const auto& fr = ctx.off.interpreter_frame;
    const auto& k = ctx.off.frame;

    const std::size_t start = out.size();
    TypeSet chain_types;
    CycleGuard guard;
    uint64_t current = coro_addr;
    while (current != 0) {
        if (guard.revisits(current)) {
            return Error{Errc::CorruptData, fmt::format("coroutine chain from {} loops at {}",
                                                        hex(coro_addr), hex(current))};
        }
        auto obj = RemoteObject::read(ctx.memory, current, gen.size, "coroutine");
        if (!obj) return std::move(obj).error();
        uint64_t type = obj->ptr(ctx.off.pyobject.ob_type);
        chain_types.add(type);
        auto state = obj->get<int8_t>(gen.gi_frame_state);
        if (state == k.cleared) break;

        uint64_t frame = gen.gi_iframe;
        uint64_t code = obj->ptr(frame + fr.executable);
        auto owner = obj->get<uint8_t>(frame + fr.owner);
        // Frames owned by the interpreter (or the C stack in 3.14) are shims: no Python frame.
        // An unknown owner means the object is not what we think: stop the chain there.
        if (code == 0 || (owner != k.owned_by_thread && owner != k.owned_by_generator)) break;

        if (out.size() - start >= ctx.limits.max_frames_per_chain) {
            return Error{Errc::CorruptData,
                         fmt::format("too many coroutine frames from {} (more than {})",
                                     hex(coro_addr), ctx.limits.max_frames_per_chain)};
        }
        auto f = frame_for(ctx, code, obj->get<uint64_t>(frame + fr.instr_ptr));
        if (!f) return with_context(std::move(f).error(), "in coroutine at " + hex(current));
        out.push_back(*f);

        if (state != k.suspended_yield_from || owner != k.owned_by_generator) break;
        uint64_t sp = obj->ptr(frame + fr.stackpointer);
        uint64_t slot_bytes = k.awaited_slot * 8;
        if (sp < slot_bytes) break;
        auto awaited = read_ptr(ctx.memory, sp - slot_bytes, "awaited object");
        if (!awaited) return std::move(awaited).error();
        if (*awaited == 0) break;
        auto awaited_type = type_of(ctx, *awaited);
        if (!awaited_type) return std::move(awaited_type).error();
        if (chain_types.contains(*awaited_type)) {
            current = *awaited;
            continue;
        }
        auto info = type_info(ctx, *awaited_type);
        if (!info) return std::move(info).error();
        if (info->kind != TypeInfo::Kind::AsyncGenWrapper) break;
        auto agen = read_ptr(ctx.memory, *awaited + kWrapperAgenOffset, "async generator wrapper");
        if (!agen) return std::move(agen).error();
        current = *agen;
    }
    return {};
}

}  // namespace

Result<Slice> coroutine_stack(WalkContext& ctx, uint64_t coro_addr, std::vector<Frame>& out,
                              bool remember) {
    const std::size_t start = out.size();
    // A task's own chain is rarely asked for twice: it skips the lookup's misses.
    const auto known = remember ? ctx.chains.find(coro_addr) : ctx.chains.end();
    if (known != ctx.chains.end()) {
        const auto from = ctx.chain_frames.begin() + known->second.at;
        out.insert(out.end(), from, from + known->second.n);
    } else {
        if (auto r = walk_chain(ctx, coro_addr, out); !r) {
            out.resize(start);
            return std::move(r).error();
        }
        std::reverse(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
        if (remember) {
            const std::size_t at = ctx.chain_frames.size();
            ctx.chain_frames.insert(ctx.chain_frames.end(), out.begin() + start, out.end());
            if (auto cached = slice_from(ctx.chain_frames, at, "frames")) {
                ctx.chains.emplace(coro_addr, *cached);
            } else {
                ctx.chain_frames.resize(at);  // not remembered: read again when asked again
            }
        }
    }
    auto slice = slice_from(out, start, "frames");
    if (!slice) out.resize(start);
    return slice;
}

}  // namespace aps::model
