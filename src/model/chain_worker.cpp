// The walk's second thread (see chain_worker.hpp). Tasks go over in batches, so that the two
// threads meet once per batch, not once per task.
#include "model/chain_worker.hpp"

#include <system_error>
#include <utility>

#include "model/awaited_by.hpp"
#include "model/coro_chain.hpp"
#include "model/remote_object.hpp"

namespace aps::model {
namespace {

constexpr std::size_t kBatch = 256;

}  // namespace

Result<TaskChains> read_task_chains(WalkContext& ctx, const TaskLinks& links) {
    TaskChains out;
    if (links.coro != 0) {
        auto frames = coroutine_stack(ctx, links.coro, /*remember=*/false);
        if (!frames) return std::move(frames).error();
        out.frames = std::move(*frames);
    }
    if (links.awaiter_known) {
        auto awaiter =
            awaiter_from(ctx, links.awaited_by, links.awaiter_is_task, links.awaiter_coro);
        if (!awaiter) return std::move(awaiter).error();
        out.awaited_by.push_back(std::move(*awaiter));
        return out;
    }
    auto awaiters = read_awaited_by(ctx, links.awaited_by, links.awaited_by_is_set);
    if (!awaiters) return std::move(awaiters).error();
    out.awaited_by = std::move(*awaiters);
    return out;
}

std::unique_ptr<ChainWorker> ChainWorker::start(const WalkContext& ctx) {
    std::unique_ptr<RemoteMemory> memory = ctx.memory.open_another();
    if (!memory) return nullptr;
    // std::thread reports a failure to start by throwing: this boundary turns it into "no
    // worker", and the walk goes on alone.
    try {
        return std::unique_ptr<ChainWorker>(new ChainWorker(std::move(memory), ctx));
    } catch (const std::system_error&) {
        return nullptr;
    }
}

ChainWorker::ChainWorker(std::unique_ptr<RemoteMemory> memory, const WalkContext& ctx)
    : memory_(std::move(memory)), wctx_(*memory_, ctx.off, ctx.aio, ctx.limits, codes_) {
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

void ChainWorker::flush_batch() {
    if (filling_.empty()) return;
    {
        std::lock_guard lock(mutex_);
        submitted_ += filling_.size();
        queue_.push_back(std::move(filling_));
    }
    filling_ = {};
    filling_.reserve(kBatch);
    work_ready_.notify_one();
}

void ChainWorker::run() {
    std::vector<TaskLinks> batch;
    std::vector<Result<TaskChains>> done;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            batch = std::move(queue_.front());
            queue_.pop_front();
        }
        done.clear();
        for (const TaskLinks& links : batch) {
            done.push_back(read_task_chains(wctx_, links));
            wctx_.task_types.insert(links.type);
        }
        {
            std::lock_guard lock(mutex_);
            for (auto& r : done) results_.push_back(std::move(r));
            finished_ += batch.size();
        }
        work_done_.notify_one();
    }
}

std::vector<Result<TaskChains>> ChainWorker::collect(WalkContext& ctx) {
    flush_batch();
    std::vector<Result<TaskChains>> results;
    {
        std::unique_lock lock(mutex_);
        work_done_.wait(lock, [&] { return finished_ == submitted_; });
        results.swap(results_);
    }
    // The thread now waits for work: its code table holds still until the next submit.
    remap_codes(ctx, results);
    return results;
}

// Codes the worker met first are added to the walk's table (with what they decode lines from,
// so the walk's thread does not read them again); the order of the table means nothing.
void ChainWorker::remap_codes(WalkContext& ctx, std::vector<Result<TaskChains>>& results) {
    if (code_map_.size() < codes_.codes.size()) {
        std::vector<uint64_t> address_of(codes_.codes.size());
        for (const auto& [addr, info] : wctx_.codes) address_of[info.index] = addr;
        for (std::size_t i = code_map_.size(); i < codes_.codes.size(); ++i) {
            auto it = ctx.codes.find(address_of[i]);
            if (it == ctx.codes.end()) {
                CodeInfo info = wctx_.codes.at(address_of[i]);
                info.index = static_cast<uint32_t>(ctx.snapshot.codes.size());
                ctx.snapshot.codes.push_back(codes_.codes[i]);
                it = ctx.codes.emplace(address_of[i], std::move(info)).first;
            }
            code_map_.push_back(it->second.index);
        }
    }
    auto move_frames = [&](std::vector<Frame>& frames) {
        for (Frame& f : frames) f.code = code_map_[f.code];
    };
    for (auto& r : results) {
        if (!r) continue;
        move_frames(r->frames);
        for (Awaiter& a : r->awaited_by) move_frames(a.frames);
    }
}

}  // namespace aps::model
