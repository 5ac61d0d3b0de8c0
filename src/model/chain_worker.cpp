// The walk's second thread (see chain_worker.hpp). Tasks go over in batches, so that the two
// threads meet once per batch, not once per task.
#include "model/chain_worker.hpp"

#include <algorithm>
#include <system_error>
#include <utility>

#include "model/awaited_by.hpp"
#include "model/budget.hpp"
#include "model/coro_chain.hpp"
#include "model/remote_object.hpp"

namespace aps::model {
namespace {

// A buffer given back for reuse, or a new one.
template <class T>
T reused(std::vector<T>& spare) {
    if (spare.empty()) return T{};
    T out = std::move(spare.back());
    spare.pop_back();
    return out;
}

}  // namespace

Result<TaskChains> read_task_chains(WalkContext& ctx, const TaskLinks& links, ChainArrays out) {
    const std::size_t frames_from = out.frames.size();
    const std::size_t awaiters_from = out.awaiters.size();
    auto chains = [&]() -> Result<TaskChains> {
        TaskChains chains;
        if (links.coro != 0) {
            auto stack = coroutine_stack(ctx, links.task, links.coro, out.frames,
                                         /*remember=*/false);
            if (!stack) return std::move(stack).error();
            chains.frames = stack->frames;
            chains.coro_type = stack->type;
            chains.marks |= stack->marks;
        }
        if (links.awaiter_known) {
            auto awaiter =
                awaiter_from(ctx, links.awaited_by, links.awaiter_is_task, links.awaiter_coro, out);
            if (!awaiter) return std::move(awaiter).error();
            chains.awaited_by = *awaiter;
        } else {
            auto awaiters =
                read_awaited_by(ctx, links.task, links.awaited_by, links.awaited_by_is_set, out);
            if (!awaiters) return std::move(awaiters).error();
            chains.awaited_by = awaiters->slice;
            chains.marks |= awaiters->marks;
        }
        // The arrays read into stay within the budgets: a task whose chains would pass one
        // (a hostile target's huge set under many tasks) stops here, before the next one grows
        // them further.
        if (auto r = check_arrays(ctx, out.frames.size(), ctx.awaiter_links + chains.awaited_by.n);
            !r) {
            return std::move(r).error();
        }
        ctx.awaiter_links += chains.awaited_by.n;
        return chains;
    }();
    if (!chains) {
        out.frames.resize(frames_from);
        out.awaiters.resize(awaiters_from);
    }
    return chains;
}

std::unique_ptr<ChainWorker> ChainWorker::start(const WalkContext& ctx,
                                                const ReaderFactory& second_reader) {
    std::unique_ptr<RemoteMemory> memory = second_reader();
    if (!memory) return nullptr;
    // std::thread reports a failure to start by throwing: this boundary turns it into "no
    // worker", and the walk goes on alone.
    try {
        return std::unique_ptr<ChainWorker>(new ChainWorker(std::move(memory), ctx));
    } catch (const std::system_error&) {
        return nullptr;
    }
}

// The worker's batches in flight share the snapshot's budgets (see read_task_chains).
WalkLimits ChainWorker::batch_limits(const WalkLimits& walk) {
    WalkLimits out = walk;
    out.max_total_frames = walk.max_total_frames / (kMaxPending + 1);
    out.max_total_awaiters = walk.max_total_awaiters / (kMaxPending + 1);
    return out;
}

ChainWorker::ChainWorker(std::unique_ptr<RemoteMemory> memory, const WalkContext& ctx)
    : memory_(std::move(memory)),
      limits_(batch_limits(ctx.limits)),
      wctx_(*memory_, ctx.off, ctx.aio, limits_, codes_, ctx.runtime_image) {
    wctx_.task_types = ctx.task_types;
    thread_ = std::thread([this] { run(); });
}

ChainWorker::~ChainWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_ready_.notify_one();
    thread_.join();
}

void ChainWorker::submit(const TaskLinks& links) {
    filling_.push_back(links);
    if (filling_.size() >= kBatch) flush_batch();
}

TornReadCheck ChainWorker::submit_check(TornReadCheck check) {
    checks_.push_back(std::move(check));
    return reused(spare_checks_);
}

void ChainWorker::flush_batch() {
    if (filling_.empty() && checks_.empty()) return;
    {
        std::unique_lock lock(mutex_);
        work_done_.wait(lock, [&] { return submitted_ - finished_ < kMaxPending * kBatch; });
        submitted_ += filling_.size() + checks_.size() * kBatch;
        queue_.push_back(Work{std::move(filling_), std::move(checks_)});
    }
    filling_ = {};
    filling_.reserve(kBatch);
    checks_ = {};
    work_ready_.notify_one();
}

void ChainWorker::Batch::append(Result<TaskChains> chains) {
    TaskAt at;
    if (chains) {
        at.chains = *chains;
    } else {
        at.error = static_cast<int32_t>(errors.size());
        errors.push_back(std::move(chains).error());
    }
    tasks.push_back(at);
}

void ChainWorker::Batch::clear() {
    frames.clear();
    awaiters.clear();
    tasks.clear();
    errors.clear();
    codes.clear();
    checks.clear();
    checked = {};
}

// Codes are few: finding the new ones by scanning the thread's map is cheap.
void ChainWorker::new_codes(Batch& out) {
    if (codes_.codes.size() == codes_sent_) return;
    for (const auto& [addr, info] : wctx_.codes) {
        if (info.index >= codes_sent_) out.codes.push_back({addr, codes_.codes[info.index], info});
    }
    std::sort(out.codes.begin(), out.codes.end(),
              [](const Batch::NewCode& a, const Batch::NewCode& b) {
                  return a.info.index < b.info.index;
              });
    codes_sent_ = codes_.codes.size();
}

void ChainWorker::run() {
    Work work;
    for (;;) {
        Batch out;
        {
            std::unique_lock lock(mutex_);
            work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            work = std::move(queue_.front());
            queue_.pop_front();
            out = reused(spare_);
        }
        // What the sets and links count refer to is in the batch just handed over.
        wctx_.sets.clear();
        wctx_.awaiter_links = 0;
        for (const TaskLinks& l : work.links) {
            out.append(read_task_chains(wctx_, l, {out.frames, out.awaiters}));
            wctx_.task_types.insert(l.type);
        }
        new_codes(out);
        for (TornReadCheck& check : work.checks) {
            auto r = check.verify(wctx_);  // empties the check, keeping its buffers
            if (!r && out.checked) out.checked = std::move(r);
            out.checks.push_back(std::move(check));
        }
        {
            std::lock_guard lock(mutex_);
            done_.push_back(std::move(out));
            finished_.fetch_add(work.links.size() + work.checks.size() * kBatch,
                                std::memory_order_relaxed);
        }
        work_done_.notify_one();
    }
}

// Codes the worker met first are added to the walk's table (with what they decode lines from,
// so the walk's thread does not read them again); the order of the table means nothing. The
// batch's arrays are appended to the snapshot's, and its slices moved along.
Result<void> ChainWorker::unpack(WalkContext& ctx, Batch& batch,
                                 std::vector<Result<TaskChains>>& out) {
    for (Batch::NewCode& nc : batch.codes) {
        auto it = ctx.codes.find(nc.addr);
        if (it == ctx.codes.end()) {
            ctx.string_bytes += nc.code.function.size() + nc.code.file.size();
            nc.info.index = static_cast<uint32_t>(ctx.snapshot.codes.size());
            ctx.snapshot.codes.push_back(std::move(nc.code));
            it = ctx.codes.emplace(nc.addr, std::move(nc.info)).first;
        }
        code_map_.push_back(it->second.index);
    }
    Snapshot& s = ctx.snapshot;
    const uint32_t frames_at = static_cast<uint32_t>(s.frames.size());
    const uint32_t awaiters_at = static_cast<uint32_t>(s.awaiters.size());
    for (Frame f : batch.frames) {
        f.code = code_map_[f.code];
        s.frames.push_back(f);
    }
    for (Awaiter a : batch.awaiters) {
        a.frames.at += frames_at;
        s.awaiters.push_back(a);
    }
    // The batch's runs of the arrays must stay addressable by a Slice, like every other.
    if (auto r = slice_from(s.frames, frames_at, "frames"); !r) return std::move(r).error();
    if (auto r = slice_from(s.awaiters, awaiters_at, "awaiters"); !r) return std::move(r).error();
    for (const Batch::TaskAt& t : batch.tasks) {
        if (t.error >= 0) {
            out.push_back(std::move(batch.errors[t.error]));
            continue;
        }
        TaskChains chains = t.chains;
        chains.frames.at += frames_at;
        chains.awaited_by.at += awaiters_at;
        ctx.awaiter_links += chains.awaited_by.n;
        out.push_back(chains);
    }
    return {};
}

ChainWorker::Taken ChainWorker::take(WalkContext& ctx, bool wait) {
    if (wait) flush_batch();
    std::deque<Batch> ready;
    {
        std::unique_lock lock(mutex_);
        if (wait) work_done_.wait(lock, [&] { return finished_ == submitted_; });
        ready.swap(done_);
    }
    Taken out;
    if (ready.empty()) return out;
    for (Batch& batch : ready) {
        if (auto r = unpack(ctx, batch, out.chains); !r && out.status) out.status = std::move(r);
        if (!batch.checked && out.status) out.status = std::move(batch.checked);
        for (TornReadCheck& check : batch.checks) spare_checks_.push_back(std::move(check));
        batch.clear();
    }
    std::lock_guard lock(mutex_);
    for (Batch& batch : ready) spare_.push_back(std::move(batch));
    return out;
}

}  // namespace aps::model
