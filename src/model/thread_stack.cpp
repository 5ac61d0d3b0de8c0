// A thread's stack and state (see thread_stack.hpp and docs/design.md, "Thread stacks").
//
// The frames are those of the thread's own C stack of Python calls: current_frame, then each
// frame's `previous`. A frame owned by the thread or by a generator (a coroutine being run) is a
// Python frame; one owned by the interpreter (3.14 also: by the C stack) is where C code called
// into Python, shown as a Native frame between two Python frames when asked. A frame with no
// code object is being set up or torn down and shows nothing, as in the reference.
#include "model/thread_stack.hpp"

#include <fmt/format.h>

#include <utility>
#include <vector>

#include "model/budget.hpp"
#include "model/builtin_call.hpp"
#include "model/code_objects.hpp"
#include "model/coro_chain.hpp"
#include "model/cycle_guard.hpp"
#include "model/problems.hpp"
#include "model/remote_object.hpp"
#include "model/torn_read_check.hpp"
#include "model/types.hpp"

namespace aps::model {
namespace {

// How many more times a torn stack is read, uncached (see read_thread_stack).
constexpr int kFreshStackReads = 4;

// The items of a thread's stack of exceptions being handled are bounded like the reference
// bounds them: far above any real nesting.
constexpr int kMaxExceptionItems = 1 << 16;

// A frame that stands for no code object: one Code per kind for the whole walk, keyed in the
// code table by an address no code object has (marker_frame uses 0 and 1).
Frame synthetic_frame(WalkContext& ctx, Code::Kind kind) {
    const uint64_t key = kind == Code::Kind::Native ? 2 : 3;
    auto it = ctx.codes.find(key);
    if (it == ctx.codes.end()) {
        CodeInfo info;
        info.index = static_cast<uint32_t>(ctx.snapshot.codes.size());
        Code code;
        code.function = kind == Code::Kind::Native ? "<native>" : "<GC>";
        code.kind = kind;
        ctx.snapshot.codes.push_back(std::move(code));
        it = ctx.codes.emplace(key, std::move(info)).first;
    }
    Frame frame;
    frame.code = it->second.index;
    frame.line = 0;
    return frame;
}

// An exception is being raised (current_exception), or handled: some item of the thread's stack
// of handled exceptions, from exc_info down through previous_item, holds one.
Result<bool> has_exception(WalkContext& ctx, const RemoteObject& ts) {
    const auto& t = ctx.off.thread_state;
    const auto& e = ctx.off.err_stackitem;
    if (ts.get<uint64_t>(t.current_exception) != 0) return true;
    CycleGuard guard;
    uint64_t item = ts.get<uint64_t>(t.exc_info);
    for (int i = 0; item != 0; ++i) {
        if (i >= kMaxExceptionItems || guard.revisits(item)) {
            return Error{
                Errc::CorruptData,
                fmt::format("its stack of handled exceptions does not end (at {})", hex(item))};
        }
        auto value = read_value<uint64_t>(ctx.memory, item + e.exc_value, "handled exception");
        if (!value) return std::move(value).error();
        if (*value != 0) return true;
        auto previous =
            read_value<uint64_t>(ctx.memory, item + e.previous_item, "previous handled exception");
        if (!previous) return std::move(previous).error();
        item = *previous;
    }
    return false;
}

// The address of the running task's coroutine frame (its coroutine's embedded frame), or 0.
uint64_t task_frame_address(WalkContext& ctx, uint64_t task) {
    if (task == 0) return 0;
    auto coro =
        read_ptr(ctx.memory, task + ctx.aio.task_object.task_coro, "running task's coroutine");
    if (!coro || *coro == 0) return 0;
    return *coro + ctx.off.gen_object.gi_iframe;
}

struct Walked {
    std::vector<Frame> frames;  // innermost first
    uint32_t task_frame = ThreadStack::kNoFrame;
    bool cut = false;
    std::string calling;  // the built-in the innermost frame calls
};

// The frames from current_frame out. On failure the frames read so far stay in `out`.
Result<void> walk_frames(WalkContext& ctx, RemoteMemory& memory, const InterpreterView& interp,
                         const RemoteObject& ts, bool has_gil, uint64_t task_frame_addr,
                         Walked& out) {
    const auto& t = ctx.off.thread_state;
    const auto& fr = ctx.off.interpreter_frame;
    const auto& k = ctx.off.frame;
    const uint64_t gc_frame = ctx.request.gc ? interp.gc_frame : 0;
    // A version that does not record the frame that started a collection (3.14): the collection
    // runs on the thread holding the GIL, at its innermost frame.
    if (ctx.request.gc && ctx.off.gc.frame == 0 && interp.collecting && has_gil) {
        out.frames.push_back(synthetic_frame(ctx, Code::Kind::GC));
    }
    const auto is_entry = [&](uint8_t owner) {
        return owner == k.owned_by_interpreter ||
               (k.owned_by_cstack >= 0 && owner == static_cast<uint8_t>(k.owned_by_cstack));
    };
    // 3.15's sentinel at the bottom of every thread's stack (0: the version has none).
    const uint64_t base = t.base_frame != 0 ? ts.get<uint64_t>(t.base_frame) : 0;
    CycleGuard guard;
    uint64_t visited = 0;
    uint64_t last = 0;
    for (uint64_t addr = ts.get<uint64_t>(t.current_frame); addr != 0;) {
        if (guard.revisits(addr)) {
            return Error{Errc::CorruptData, fmt::format("its frames loop (at {})", hex(addr))};
        }
        if (++visited > ctx.limits.max_frames_per_chain) {
            out.cut = true;
            return {};
        }
        last = addr;
        auto frame = RemoteObject::read(memory, addr, fr.size, "interpreter frame");
        if (!frame) return std::move(frame).error();
        const uint64_t previous = frame->get<uint64_t>(fr.previous);
        const uint64_t code = frame->ptr(fr.executable);
        const auto owner = frame->get<uint8_t>(fr.owner);
        if (gc_frame != 0 && addr == gc_frame) {
            out.frames.push_back(synthetic_frame(ctx, Code::Kind::GC));
        } else if (ctx.request.native && code != 0 && is_entry(owner) && addr != base &&
                   !out.frames.empty() && !(gc_frame != 0 && previous == gc_frame)) {
            // The outermost entry frame counts too: C code (the thread's start, the program's
            // main) called the first Python frame. 3.15's base frame below it is no call.
            out.frames.push_back(synthetic_frame(ctx, Code::Kind::Native));
        }
        if (code != 0 && !is_entry(owner)) {
            if (owner != k.owned_by_thread && owner != k.owned_by_generator) {
                return Error{Errc::CorruptData,
                             fmt::format("the frame at {} has owner {}, which no frame has",
                                         hex(addr), owner)};
            }
            auto type = type_of(ctx, code);
            if (!type) return reading_error(std::move(type).error(), "code object", code);
            auto info = type_info(ctx, *type);
            if (!info) return std::move(info).error();
            if ((*info)->kind != TypeInfo::Kind::Code) {
                return Error{Errc::CorruptData,
                             fmt::format("the frame at {} runs a {} at {}, not a code object",
                                         hex(addr), (*info)->name, hex(code))};
            }
            auto f = frame_for(ctx, code, frame->get<uint64_t>(fr.instr_ptr));
            if (!f) return with_context(std::move(f).error(), "the frame at " + hex(addr));
            // Only the innermost frame can be waiting for a built-in to return.
            if (visited == 1) out.calling = builtin_call(ctx, memory, *frame, code);
            if (addr == task_frame_addr && out.task_frame == ThreadStack::kNoFrame) {
                out.task_frame = static_cast<uint32_t>(out.frames.size());
            }
            out.frames.push_back(*f);
        }
        addr = previous;
    }
    // 3.15 keeps a sentinel at the bottom of every thread's stack: a walk that ends elsewhere
    // followed a link that changed under it.
    if (base != 0 && last != 0 && last != base) {
        return Error{
            Errc::CorruptData,
            fmt::format("its frames end at {}, not at its base frame {}", hex(last), hex(base))};
    }
    return {};
}

}  // namespace

Result<void> read_thread_stack(WalkContext& ctx, const InterpreterView& interp, uint64_t tstate,
                               uint64_t tid, ThreadStack& out) {
    const auto& t = ctx.off.thread_state;
    uint64_t size = t.size;
    if (ctx.has_asyncio) size = std::max(size, ctx.aio.thread_state.size);
    auto ts = RemoteObject::read(ctx.memory, tstate, size, "thread state");
    if (!ts) return std::move(ts).error();

    out.read = true;
    out.tstate = tstate;
    const bool has_gil = ts->get<int32_t>(t.holds_gil) != 0;
    if (tstate == interp.threads_main) out.flags |= kMainThread;
    if (has_gil) out.flags |= kHasGil;
    if (!has_gil && t.gil_requested != 0 && ts->get<int32_t>(t.gil_requested) != 0) {
        out.flags |= kGilRequested;
    }
    out.cpu = ctx.request.cpu_state ? ctx.request.cpu_state(tid) : CpuState::NotAsked;
    if (ctx.has_asyncio) {
        out.running_loop = ts->ptr(ctx.aio.thread_state.asyncio_running_loop);
        if (out.running_loop != 0) {
            out.running_task = ts->ptr(ctx.aio.thread_state.asyncio_running_task);
        }
    }

    Walked walked;
    std::string why;
    if (auto exception = has_exception(ctx, *ts); !exception) {
        why = exception.error().message;
    } else if (*exception) {
        out.flags |= kHasException;
    }
    const uint64_t task_frame = task_frame_address(ctx, out.running_task);
    if (why.empty()) {
        auto r = walk_frames(ctx, ctx.memory, interp, *ts, has_gil, task_frame, walked);
        // A running thread rewrites its innermost frames while they are read (through the
        // walk's cache, a block at a time): such a torn stack is read again, uncached, from
        // its thread state on, a few times before it counts as broken.
        for (int again = 0; !r && is_transient(r.error().code) && again < kFreshStackReads;
             ++again) {
            FreshMemory fresh(ctx.memory);
            auto now = RemoteObject::read(fresh, tstate, size, "thread state");
            if (!now) break;
            Walked retry;
            r = walk_frames(ctx, fresh, interp, *now, has_gil, task_frame, retry);
            if (r || !is_transient(r.error().code)) walked = std::move(retry);
        }
        if (!r) why = r.error().message;
    }
    if (walked.cut) {
        why = fmt::format("its stack is deeper than {} frames: the outermost are left out",
                          ctx.limits.max_frames_per_chain);
    }
    // What was read, and where it stops.
    if (!why.empty()) {
        walked.frames.push_back(marker_frame(ctx, walked.cut));
        out.marks = walked.cut ? kStackCut : kStackUnreadable;
        record_problem(ctx, tid, Problem::Part::ThreadStack, walked.cut, std::move(why));
    }
    std::vector<Frame>& frames = ctx.snapshot.frames;
    if (auto r = check_arrays(ctx, frames.size() + walked.frames.size(), ctx.awaiter_links); !r) {
        return r;
    }
    const std::size_t start = frames.size();
    frames.insert(frames.end(), walked.frames.begin(), walked.frames.end());
    auto slice = slice_from(frames, start, "frames");
    if (!slice) return std::move(slice).error();
    out.frames = *slice;
    out.task_frame = walked.task_frame;
    out.calling = std::move(walked.calling);
    return {};
}

}  // namespace aps::model
