// walk_snapshot: interpreters (main first) → threads (newest first, then the exited-threads
// list as tid 0) → task lists. The per-object work lives in the other files of src/model.
#include "aps/walker.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "model/chain_worker.hpp"
#include "model/cycle_guard.hpp"
#include "model/remote_object.hpp"
#include "model/task_list.hpp"
#include "model/thread_stack.hpp"
#include "model/walk_context.hpp"

namespace aps {
namespace {

using model::CycleGuard;
using model::hex;
using model::read_ptr;
using model::read_value;

// Addresses of a NULL-terminated singly linked list of remote structs, in list order.
Result<std::vector<uint64_t>> collect_list(RemoteMemory& memory, uint64_t first,
                                           uint64_t next_offset, uint64_t max,
                                           std::string_view what) {
    std::vector<uint64_t> out;
    CycleGuard guard;
    for (uint64_t cur = first; cur != 0;) {
        if (out.size() >= max || guard.revisits(cur)) {
            return Error{Errc::CorruptData,
                         fmt::format("{} list does not end (cycle or more than {})", what, max)};
        }
        out.push_back(cur);
        auto next = read_ptr(memory, cur + next_offset, what);
        if (!next) return std::move(next).error();
        cur = *next;
    }
    return out;
}

Result<Thread> read_thread_tasks(model::WalkContext& ctx, uint64_t tid, uint64_t head) {
    auto tasks = model::read_task_list(ctx, head);
    if (!tasks) return std::move(tasks).error();
    Thread thread;
    thread.tid = tid;
    thread.tasks = std::move(*tasks);
    return thread;
}

// What the threads' stacks need to know of their interpreter: its main thread and its GC.
Result<model::InterpreterView> interpreter_view(model::WalkContext& ctx, uint64_t interp) {
    const auto& is = ctx.off.interpreter_state;
    const auto& gc = ctx.off.gc;
    model::InterpreterView view;
    auto main = read_ptr(ctx.memory, interp + is.threads_main, "main thread state");
    if (!main) return std::move(main).error();
    view.threads_main = *main;
    auto collecting = read_value<int32_t>(ctx.memory, interp + is.gc + gc.collecting, "GC state");
    if (!collecting) return std::move(collecting).error();
    view.collecting = *collecting != 0;
    if (gc.frame != 0) {
        auto frame = read_value<uint64_t>(ctx.memory, interp + is.gc + gc.frame, "GC frame");
        if (!frame) return std::move(frame).error();
        view.gc_frame = *frame;
    }
    return view;
}

Result<Interpreter> read_interpreter(model::WalkContext& ctx, uint64_t interp) {
    const auto& is = ctx.off.interpreter_state;
    const auto& ts = ctx.off.thread_state;
    Interpreter out;
    auto id = read_value<int64_t>(ctx.memory, interp + is.id, "interpreter id");
    if (!id) return std::move(id).error();
    out.id = *id;
    const bool tasks = ctx.request.tasks && ctx.has_asyncio;
    model::InterpreterView view;
    if (ctx.request.stacks) {
        auto v = interpreter_view(ctx, interp);
        if (!v) return std::move(v).error();
        view = *v;
    }

    auto head = read_ptr(ctx.memory, interp + is.threads_head, "thread list head");
    if (!head) return std::move(head).error();
    auto tstates = collect_list(ctx.memory, *head, ts.next, ctx.limits.max_threads, "thread state");
    if (!tstates) return std::move(tstates).error();
    for (uint64_t tstate : *tstates) {
        auto tid = read_value<uint64_t>(ctx.memory, tstate + ts.native_thread_id, "thread id");
        if (!tid) return std::move(tid).error();
        Thread thread;
        thread.tid = *tid;
        if (tasks) {
            auto listed =
                read_thread_tasks(ctx, *tid, tstate + ctx.aio.thread_state.asyncio_tasks_head);
            if (!listed) {
                return with_context(std::move(listed).error(),
                                    fmt::format("thread {} (state {})", *tid, hex(tstate)));
            }
            thread = std::move(*listed);
        }
        if (ctx.request.stacks) {
            if (auto r = model::read_thread_stack(ctx, view, tstate, *tid, thread.stack); !r) {
                return with_context(std::move(r).error(),
                                    fmt::format("thread {} (state {})", *tid, hex(tstate)));
            }
        }
        out.threads.push_back(std::move(thread));
    }
    if (tasks) {
        auto exited =
            read_thread_tasks(ctx, 0, interp + ctx.aio.interpreter_state.asyncio_tasks_head);
        if (!exited) return with_context(std::move(exited).error(), "tasks of exited threads");
        out.threads.push_back(std::move(*exited));
    }
    return out;
}

}  // namespace

Result<Snapshot> walk_snapshot(RemoteMemory& memory, const WalkInput& input,
                               const WalkLimits& limits) {
    Snapshot snapshot;
    snapshot.major = input.offsets.major;
    snapshot.minor = input.offsets.minor;
    // asyncio never imported: no tasks anywhere, and nothing else to read unless the stacks are.
    if (input.asyncio == nullptr && !input.request.stacks) return snapshot;
    if (input.request.detail) {
        snapshot.opcode_names.assign(input.offsets.opcode_names.begin(),
                                     input.offsets.opcode_names.end());
    }

    const AsyncioOffsets no_asyncio{};
    model::WalkContext ctx(memory, input.offsets,
                           input.asyncio != nullptr ? *input.asyncio : no_asyncio, limits, snapshot,
                           input.runtime_image);
    ctx.tuning = input.tuning;
    ctx.request = input.request;
    ctx.has_asyncio = input.asyncio != nullptr;
    // A retry checks task by task and reads alone (see read_task_list). The worker starts only
    // when a list asks for it (see WalkContext::worker), and then once. Its codes are per code
    // object: a walk that reads per-instruction detail reads alone.
    std::unique_ptr<model::ChainWorker> worker;
    bool worker_asked = false;
    if (input.second_reader && input.tuning.tasks_per_check > 1 &&
        input.tuning.parallel_from != UINT64_MAX && ctx.has_asyncio && input.request.tasks &&
        !input.request.detail) {
        ctx.worker = [&]() -> model::ChainWorker* {
            if (!worker_asked) worker = model::ChainWorker::start(ctx, input.second_reader);
            worker_asked = true;
            return worker.get();
        };
    }
    auto head = read_ptr(memory, input.runtime_addr + input.offsets.runtime_state.interpreters_head,
                         "interpreter list head");
    if (!head) return std::move(head).error();
    auto interps = collect_list(memory, *head, input.offsets.interpreter_state.next,
                                limits.max_interpreters, "interpreter");
    if (!interps) return std::move(interps).error();
    // The list head is the newest interpreter; the main interpreter is its tail.
    std::reverse(interps->begin(), interps->end());
    for (uint64_t interp : *interps) {
        auto it = read_interpreter(ctx, interp);
        if (!it) return with_context(std::move(it).error(), "interpreter at " + hex(interp));
        snapshot.interpreters.push_back(std::move(*it));
    }
    return snapshot;
}

}  // namespace aps
