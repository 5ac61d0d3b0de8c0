// Task lists and tasks (see task_list.hpp and docs/design.md, "Task lists" and "Torn reads").
#include "model/task_list.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "model/budget.hpp"
#include "model/chain_worker.hpp"
#include "model/cycle_guard.hpp"
#include "model/problems.hpp"
#include "model/remote_object.hpp"
#include "model/task_name.hpp"
#include "model/torn_read_check.hpp"
#include "model/types.hpp"

namespace aps::model {
namespace {

// Tasks of one list skipped because they left it while it was read (see read_task_list).
constexpr uint64_t kMaxSkipsPerList = 64;
// Tasks handed to the chain worker between two takes of what it has read.
constexpr std::size_t kTakeEvery = 1024;

TaskLinks links_of(const WalkContext& ctx, const RemoteObject& obj) {
    const auto& t = ctx.aio.task_object;
    TaskLinks links;
    links.task = obj.address();
    links.type = obj.ptr(ctx.off.pyobject.ob_type);
    links.coro = obj.ptr(t.task_coro);
    links.awaited_by = obj.ptr(t.task_awaited_by);
    links.awaited_by_is_set = obj.get<uint8_t>(t.task_awaited_by_is_set) != 0;
    return links;
}

// links_of, and the single awaiter read here too: the chain worker's cache would have to read the
// whole pool of task objects again for it (a task's awaiter is usually a task listed just before).
// An awaiter that cannot be read here is left to the worker, which reports it as usual.
TaskLinks links_for_worker(WalkContext& ctx, const RemoteObject& obj) {
    const auto& t = ctx.aio.task_object;
    TaskLinks links = links_of(ctx, obj);
    if (links.awaited_by == 0 || links.awaited_by_is_set) return links;
    if (auto awaiter = RemoteObject::read(ctx.memory, links.awaited_by, t.size, "awaiter")) {
        links.awaiter_known = true;
        links.awaiter_is_task = awaiter->get<uint8_t>(t.task_is_task);
        links.awaiter_coro = awaiter->ptr(t.task_coro);
    }
    return links;
}

// The length field of the str at addr, read through `memory` (and so, for the check, recorded).
Result<uint64_t> str_length(WalkContext& ctx, RemoteMemory& memory, uint64_t addr) {
    return read_value<uint64_t>(memory, addr + ctx.off.unicode_object.length, "task name length");
}

// The task's name, read uncached with fresh_name (a block cached earlier may hold what its memory
// held before). Its chains are read apart (read_task_chains, or the chain worker).
// A long name (only the data views read names uncut) is decoded once per str object: a task that
// shares one read already has its length re-read for the check instead of all its text.
Result<Task> read_task(WalkContext& ctx, const RemoteObject& obj, TornReadCheck& log,
                       bool fresh_name) {
    const auto& t = ctx.aio.task_object;
    const uint64_t name_ptr = obj.ptr(t.task_name);
    Task task;
    task.id = obj.address();
    log.begin_task();
    FreshMemory fresh(ctx.memory);
    RecordingMemory recording(fresh_name ? static_cast<RemoteMemory&>(fresh) : ctx.memory, log);
    auto known = ctx.long_names.find(name_ptr);
    if (known != ctx.long_names.end()) {
        auto length = str_length(ctx, recording, name_ptr);
        if (!length) return std::move(length).error();
        if (*length != known->second.first) known = ctx.long_names.end();  // another str now
    }
    if (known != ctx.long_names.end()) {
        task.long_name = known->second.second;
    } else {
        auto name = read_task_name(ctx, recording, name_ptr);
        if (!name) return std::move(name).error();
        ctx.string_bytes += name->size();
        if (name->size() <= Snapshot::kLongName) {
            task.name = std::move(*name);
        } else {
            auto length = str_length(ctx, recording, name_ptr);
            if (!length) return std::move(length).error();
            task.long_name = static_cast<uint32_t>(ctx.snapshot.long_names.size());
            ctx.snapshot.long_names.push_back(std::move(*name));
            ctx.long_names[name_ptr] = {*length, task.long_name};
        }
    }
    log.end_task(obj.address(), name_ptr,
                 obj.get<uint64_t>(t.task_node + ctx.off.llist_node.next) != 0);
    return task;
}

// A task whose name could not be read, also fresh, while it stayed linked: it is shown with a
// marker for a name, and its chains are read as usual.
Task task_without_name(WalkContext& ctx, uint64_t addr, const Error& why) {
    Task task;
    task.id = addr;
    task.name = Snapshot::kUnreadable;
    task.marks = kNameUnreadable;
    record_problem(ctx, addr, Problem::Part::Name, false, why.message);
    return task;
}

// Puts what was read of a task's chains into it.
void apply_chains(WalkContext& ctx, Task& task, const TaskChains& chains) {
    task.frames = chains.frames;
    task.awaited_by = chains.awaited_by;
    task.marks |= chains.marks;
    if (chains.coro_type != 0) {
        // The type was read by the chain's read (maybe the worker's): unreadable now, it goes
        // unnamed rather than failing the task.
        if (auto index = intern_type_name(ctx, chains.coro_type)) task.coro_type = *index;
    }
}

// The link out of the list node `node_addr`, read fresh, if that node is still the task the walk
// took it for: same name pointer and the same name (a task freed and its memory reused by a new
// one, likely the same address for its name too, would link from the list's tail instead).
// The head's link needs no such check. 0 when the node left the list or is another task now.
Result<uint64_t> fresh_link(WalkContext& ctx, uint64_t head_addr, uint64_t node_addr,
                            uint64_t name_ptr, const std::string& name) {
    const auto& t = ctx.aio.task_object;
    const uint64_t next_at = ctx.off.llist_node.next;
    FreshMemory fresh(ctx.memory);
    if (node_addr == head_addr) return read_ptr(fresh, node_addr + next_at, "task list head");
    auto obj = RemoteObject::read(fresh, node_addr - t.task_node, t.size, "task");
    if (!obj) return std::move(obj).error();
    if (obj->ptr(t.task_name) != name_ptr) return uint64_t{0};
    auto now = read_task_name(ctx, fresh, name_ptr);
    if (!now || *now != name) return uint64_t{0};
    return obj->get<uint64_t>(t.task_node + next_at);
}

// The chains of a task that could not be read (by the chain worker, or by this thread through
// its cache), read again fresh, the last time: what cannot be read now is broken, not moving, and
// is marked and recorded (WalkContext::keep_partial). nullopt when the task has left its list
// since, or is another task now: the walk drops it, as it skips a task that leaves the list while
// it is read.
Result<std::optional<TaskChains>> chains_again(WalkContext& ctx, const Task& task) {
    const auto& t = ctx.aio.task_object;
    FreshMemory fresh(ctx.memory);
    auto obj = RemoteObject::read(fresh, task.id, t.size, "task");
    if (!obj) return std::move(obj).error();
    if (obj->get<uint64_t>(t.task_node + ctx.off.llist_node.next) == 0) {
        return std::optional<TaskChains>{};
    }
    WalkContext fresh_ctx(fresh, ctx.off, ctx.aio, ctx.limits, ctx.snapshot, ctx.runtime_image);
    fresh_ctx.keep_partial = true;
    auto lend = [&] {  // the per-walk caches: what they hold does not change
        fresh_ctx.types.swap(ctx.types);
        fresh_ctx.codes.swap(ctx.codes);
        fresh_ctx.task_types.swap(ctx.task_types);
        fresh_ctx.problem_keys.swap(ctx.problem_keys);
        fresh_ctx.sets.swap(ctx.sets);  // they hold the snapshot's arrays, read into here too
        std::swap(fresh_ctx.awaiter_links, ctx.awaiter_links);
        std::swap(fresh_ctx.string_bytes, ctx.string_bytes);
    };
    lend();
    Result<std::optional<TaskChains>> out = std::optional<TaskChains>{};
    const std::string& known_name = ctx.snapshot.name_of(task);
    auto name = (task.marks & kNameUnreadable) ? Result<std::string>(known_name)
                                               : read_task_name(fresh_ctx, obj->ptr(t.task_name));
    if (name && *name == known_name) {
        auto chains = read_task_chains(fresh_ctx, links_of(ctx, *obj),
                                       {ctx.snapshot.frames, ctx.snapshot.awaiters});
        if (chains) {
            out = std::optional<TaskChains>(*chains);
        } else {
            out = std::move(chains).error();
        }
    }
    lend();
    return out;
}

// The tasks of a list whose chains the chain worker reads: tasks[from...], filled in order as its
// batches come back; a task whose chains it could not read waits in `failed` for the list's end.
struct Deferred {
    static constexpr std::size_t kNone = ~std::size_t{0};
    std::size_t from = kNone;
    std::size_t filled = 0;
    std::vector<std::pair<std::size_t, Error>> failed;

    // Takes what the worker has read (all of it, with wait) into `tasks`; fails as the take does
    // (a torn-read check that failed, or the snapshot's arrays outgrowing a Slice).
    Result<void> take(WalkContext& ctx, ChainWorker& worker, std::vector<Task>& tasks, bool wait) {
        ChainWorker::Taken taken = worker.take(ctx, wait);
        if (!taken.status) return taken.status;
        fill(ctx, tasks, std::move(taken.chains));
        return {};
    }

    void fill(WalkContext& ctx, std::vector<Task>& tasks, std::vector<Result<TaskChains>> chains) {
        for (auto& c : chains) {
            if (filled >= tasks.size()) return;  // cannot happen: one result per submitted task
            if (c) {
                apply_chains(ctx, tasks[filled], *c);
            } else {
                failed.emplace_back(filled, std::move(c).error());
            }
            ++filled;
        }
    }
};

// The rest of the worker's chains; a task whose chains it could not read is read again here, or
// dropped (counted in `skips`) when it has left the list.
Result<void> finish_deferred(WalkContext& ctx, ChainWorker& worker, std::vector<Task>& tasks,
                             Deferred& deferred, uint64_t& skips) {
    if (auto r = deferred.take(ctx, worker, tasks, /*wait=*/true); !r) return r;
    std::vector<std::size_t> dropped;
    for (auto& [i, error] : deferred.failed) {
        Task& task = tasks[i];
        auto again = chains_again(ctx, task);
        if (!again) return with_context(std::move(again).error(), "task " + hex(task.id));
        if (!*again) {
            if (++skips > kMaxSkipsPerList) {
                return with_context(std::move(error), "task " + hex(task.id));
            }
            dropped.push_back(i);
            continue;
        }
        apply_chains(ctx, task, **again);
    }
    if (!dropped.empty()) {
        std::size_t kept = dropped.front(), next = 0;
        for (std::size_t i = dropped.front(); i < tasks.size(); ++i) {
            if (next < dropped.size() && dropped[next] == i) {
                ++next;
                continue;
            }
            tasks[kept++] = std::move(tasks[i]);
        }
        tasks.resize(kept);
    }
    return {};
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
    FreshMemory fresh(ctx.memory);
    const uint64_t per_check = std::max<uint64_t>(ctx.tuning.tasks_per_check, 1);
    uint64_t count = 0;
    uint64_t prev = head_addr;  // the node whose link led to cur
    uint64_t prev_name = 0;     // its task's name pointer (tasks.back() is that task)
    bool reread = false;        // cur comes from a fresh re-read of prev's link
    bool again = false;         // ... and is the node that failed: already counted
    uint64_t skips = 0;
    // Past parallel_from tasks, the chain worker reads the chains of the rest while this thread
    // goes on down the list; not when checking task by task (a retry: that narrow window is
    // the point, and the worker would read later).
    const bool may_defer = per_check > 1 && ctx.worker != nullptr;
    ChainWorker* worker = nullptr;  // asked for when this list reaches parallel_from tasks
    Deferred deferred;
    for (uint64_t cur = *first; cur != head_addr;) {
        // A task that left the list after its predecessor was read (freed: its link NULL, its
        // name cleared, its memory reused), or was renamed while read, is not a torn snapshot
        // yet: re-read the predecessor's link fresh and go on from there (the same task, read
        // fresh, or the one that follows now). A bounded number of times per list, and not for
        // the same task twice; otherwise the walk fails as torn and is retried whole.
        // `stuck` (if given) is set when the task failed again, read fresh, and is still linked.
        auto skip = [&](Error e, bool* stuck = nullptr) -> std::optional<Error> {
            log.abandon_task();
            const bool transient = e.code == Errc::CorruptData || e.code == Errc::ReadFailed;
            if (!transient || skips >= kMaxSkipsPerList) return e;
            auto link =
                fresh_link(ctx, head_addr, prev, prev_name,
                           tasks.empty() ? std::string() : ctx.snapshot.name_of(tasks.back()));
            if (!link || *link == 0) return e;
            if (reread && *link == cur) {
                if (stuck != nullptr) *stuck = true;
                return e;
            }
            ++skips;
            again = *link == cur;
            reread = true;
            cur = *link;
            return std::nullopt;
        };
        if (cur == 0) {  // only a head's link can be NULL here
            if (auto e = skip(Error{Errc::CorruptData,
                                    fmt::format("task list {} has a NULL link after {} tasks",
                                                hex(head_addr), count)}))
                return *e;
            continue;
        }
        if (!again && (++count > ctx.limits.max_tasks_per_list || guard.revisits(cur))) {
            return Error{Errc::CorruptData,
                         fmt::format("task list {} does not return to its head", hex(head_addr))};
        }
        if (cur < t.task_node) {
            return Error{Errc::CorruptData, fmt::format("invalid task list node {}", hex(cur))};
        }
        uint64_t task_addr = cur - t.task_node;
        // Checked one by one, a task is read fresh too: a cached block may predate it.
        const bool read_fresh = reread || per_check == 1;
        auto obj = RemoteObject::read(read_fresh ? static_cast<RemoteMemory&>(fresh) : ctx.memory,
                                      task_addr, t.size, "task");
        if (!obj) return std::move(obj).error();
        const uint64_t next = obj->get<uint64_t>(t.task_node + node.next);
        if (may_defer && worker == nullptr && tasks.size() >= ctx.tuning.parallel_from) {
            worker = ctx.worker();
        }
        const bool defer = worker != nullptr && tasks.size() >= ctx.tuning.parallel_from;
        Result<Task> task =
            next != 0
                ? read_task(ctx, *obj, log, /*fresh_name=*/reread)
                : Result<Task>(Error{Errc::CorruptData,
                                     fmt::format("task list {} has a NULL link after {} tasks",
                                                 hex(head_addr), count)});
        const bool name_failed = !task && next != 0;
        if (task && per_check == 1) {
            if (auto r = log.verify(ctx); !r) task = std::move(r).error();
        }
        if (!task) {
            // A name that cannot be read, fresh, of a task that stays linked is broken for good:
            // the task is kept with a marker for a name.
            bool stuck = false;
            if (auto e = skip(std::move(task).error(), name_failed ? &stuck : nullptr)) {
                if (!stuck) {
                    return next != 0 ? with_context(std::move(*e), "task " + hex(task_addr))
                                     : std::move(*e);
                }
                task = task_without_name(ctx, task_addr, *e);
            } else {
                continue;
            }
        }
        ctx.task_types.insert(obj->ptr(ctx.off.pyobject.ob_type));
        if (!defer) {
            auto chains = read_task_chains(ctx, links_of(ctx, *obj),
                                           {ctx.snapshot.frames, ctx.snapshot.awaiters});
            if (!chains) {
                auto again_fresh = chains_again(ctx, *task);
                if (!again_fresh) {
                    return with_context(std::move(again_fresh).error(), "task " + hex(task_addr));
                }
                if (!*again_fresh) {  // it left the list meanwhile
                    if (auto e = skip(std::move(chains).error())) {
                        return with_context(std::move(*e), "task " + hex(task_addr));
                    }
                    continue;
                }
                chains = **again_fresh;
            }
            apply_chains(ctx, *task, *chains);
        }
        if (defer) {
            if (deferred.from == Deferred::kNone) deferred.from = deferred.filled = tasks.size();
            worker->submit(links_for_worker(ctx, *obj));
        }
        tasks.push_back(std::move(*task));
        if (auto r = check_budget(ctx); !r) return std::move(r).error();
        // Taking what the worker has read as it goes keeps its memory small (see take).
        if (defer && (tasks.size() - deferred.from) % kTakeEvery == 0) {
            if (auto r = deferred.take(ctx, *worker, tasks, /*wait=*/false); !r) {
                return std::move(r).error();
            }
        }
        if (log.pending() >= per_check) {
            // While the worker reads chains, it verifies the checks it has room for.
            if (defer && worker->has_room()) {
                log = worker->submit_check(std::move(log));
            } else if (auto r = log.verify(ctx); !r) {
                return std::move(r).error();
            }
        }
        prev = cur;
        prev_name = obj->ptr(t.task_name);
        reread = again = false;
        cur = next;
    }
    if (auto r = log.verify(ctx); !r) return std::move(r).error();
    // (A list that fails above fails the whole walk: what the worker still holds of it is
    // dropped with the worker.)
    if (deferred.from != Deferred::kNone) {
        if (auto r = finish_deferred(ctx, *worker, tasks, deferred, skips); !r) {
            return std::move(r).error();
        }
        if (auto r = check_budget(ctx); !r) return std::move(r).error();
    }
    return tasks;
}

}  // namespace aps::model
