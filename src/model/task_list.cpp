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
#include "model/torn_read_check.hpp"

namespace aps::model {
namespace {

Result<Task> read_task(WalkContext& ctx, const RemoteObject& obj, TornReadCheck& log) {
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
    TornReadCheck log;
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
