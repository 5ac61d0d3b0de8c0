// Task lists and tasks (see task_list.hpp and internals §5.8).
#include "model/task_list.hpp"

#include <fmt/format.h>

#include <vector>

#include "model/awaited_by.hpp"
#include "model/coro_chain.hpp"
#include "model/cycle_guard.hpp"
#include "model/remote_object.hpp"
#include "model/task_name.hpp"

namespace aps::model {
namespace {

// Reads that bypass the per-attempt cache: a task is read when it is reached, so that the
// re-check after reading its name spans only that task's own reads.
class FreshMemory final : public RemoteMemory {
  public:
    explicit FreshMemory(RemoteMemory& inner) : inner_(inner) {}
    Result<void> read(uint64_t addr, std::span<std::byte> out) override {
        return inner_.read_fresh(addr, out);
    }

  private:
    RemoteMemory& inner_;
};

Result<Task> read_task(WalkContext& ctx, const RemoteObject& obj) {
    const auto& t = ctx.aio.task_object;
    Task task;
    task.id = obj.address();
    // The name is read fresh too: a cached block may predate the task's current name.
    FreshMemory fresh(ctx.memory);
    WalkContext name_ctx(fresh, ctx.off, ctx.aio, ctx.limits, ctx.snapshot);
    name_ctx.types.swap(ctx.types);  // type objects live on: keep the per-walk type cache
    auto name = read_task_name(name_ctx, obj.ptr(t.task_name));
    name_ctx.types.swap(ctx.types);
    if (!name) return std::move(name).error();
    task.name = std::move(*name);
    if (uint64_t coro = obj.ptr(t.task_coro)) {
        auto frames = coroutine_stack(ctx, coro);
        if (!frames) return std::move(frames).error();
        task.frames = std::move(*frames);
    }
    auto awaiters = read_awaited_by(ctx, obj);
    if (!awaiters) return std::move(awaiters).error();
    task.awaited_by = std::move(*awaiters);
    // The target runs on: if the task was unlinked (finished, freed) or renamed while its
    // fields were read, its old name may be freed memory already reused by another string.
    // Re-read the task: same name pointer and still linked, or this read is torn (retried).
    // read_fresh: a cached copy of the task would hide the change.
    std::vector<std::byte> again(obj.bytes().size());
    if (auto r = ctx.memory.read_fresh(obj.address(), again); !r) {
        return reading_error(std::move(r).error(), "task", obj.address());
    }
    const uint64_t next_at = t.task_node + ctx.off.llist_node.next;
    if (untag(field<uint64_t>(again, t.task_name)) != obj.ptr(t.task_name) ||
        (field<uint64_t>(again, next_at) == 0 && obj.get<uint64_t>(next_at) != 0)) {
        return Error{Errc::CorruptData, "task finished or was renamed while being read"};
    }
    return task;
}

}  // namespace

Result<std::vector<Task>> read_task_list(WalkContext& ctx, uint64_t head_addr) {
    const auto& t = ctx.aio.task_object;
    const auto& node = ctx.off.llist_node;
    auto first = read_ptr(ctx.memory, head_addr + node.next, "task list head");
    if (!first) return std::move(first).error();

    std::vector<Task> tasks;
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
        FreshMemory fresh(ctx.memory);
        auto obj = RemoteObject::read(fresh, task_addr, t.size, "task");
        if (!obj) return std::move(obj).error();
        ctx.task_types.insert(obj->ptr(ctx.off.pyobject.ob_type));
        auto task = read_task(ctx, *obj);
        if (!task) return with_context(std::move(task).error(), "task " + hex(task_addr));
        tasks.push_back(std::move(*task));
        cur = obj->get<uint64_t>(t.task_node + node.next);
    }
    return tasks;
}

}  // namespace aps::model
