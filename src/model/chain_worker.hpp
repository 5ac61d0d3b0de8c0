// The walk's second thread: reads the coroutine stacks and awaited-by sets of listed tasks
// through a memory reader of its own, and re-checks the batches of names it has room for, while
// the walk's thread follows the task list, reads the names and re-checks the rest. Also the unit
// of that work, which the one-thread walk shares.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "aps/error.hpp"
#include "aps/memory.hpp"
#include "aps/snapshot.hpp"
#include "model/coro_chain.hpp"
#include "model/torn_read_check.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

// What the chains of one task are read from, copied out of its task object.
struct TaskLinks {
    uint64_t task = 0;  // the task's address, for error messages
    uint64_t type = 0;  // its type: a task type for the awaited-by sets of later tasks
    uint64_t coro = 0;  // task_coro, 0 for none
    uint64_t awaited_by = 0;
    bool awaited_by_is_set = false;
    // A single awaiter (not a set) already read by the walk's thread, which has its block in
    // cache: its fut_is_task byte and task_coro.
    bool awaiter_known = false;
    uint8_t awaiter_is_task = 0;
    uint64_t awaiter_coro = 0;
};

// Where the chains of one task are, in the arrays they were read into.
struct TaskChains {
    Slice frames;  // innermost first
    Slice awaited_by;
    uint64_t coro_type = 0;  // the type of the task's coroutine object (0: it has none)
    uint8_t marks = 0;       // TaskMark bits for the stack and the awaiters (ctx.keep_partial)
};

// Appends the coroutine stack and awaiters of one task, read through ctx, to `out`; on failure
// `out` is left as it was. With ctx.keep_partial, what cannot be read is marked and recorded
// (see coroutine_stack, read_awaited_by) rather than failing.
Result<TaskChains> read_task_chains(WalkContext& ctx, const TaskLinks& links, ChainArrays out);

class ChainWorker {
  public:
    // Null when `second_reader` makes none or no thread can be started: the walk then reads the
    // chains itself. The worker starts with ctx's task types.
    static std::unique_ptr<ChainWorker> start(const WalkContext& ctx,
                                              const ReaderFactory& second_reader);
    ~ChainWorker();  // stops the thread, dropping what it has not read
    ChainWorker(const ChainWorker&) = delete;
    ChainWorker& operator=(const ChainWorker&) = delete;

    // Queues one task; tasks are read in the order they are submitted.
    void submit(const TaskLinks& links);

    // Whether the thread has little queued: then it can take a check (below) without holding up
    // the walk's thread, which has the more work per task.
    bool has_room() const {
        return filling_.size() + submitted_ - finished_.load(std::memory_order_relaxed) <= kRoom;
    }

    // Queues the torn-read check of tasks already read, to be verified after the tasks queued
    // so far; returns an empty check for the caller to record the next tasks in.
    TornReadCheck submit_check(TornReadCheck check);

    struct Taken {
        // The chains of the tasks read since the last take, in submission order: slices of
        // ctx.snapshot's arrays.
        std::vector<Result<TaskChains>> chains;
        // The first failure of the checks verified since the last take (a torn read), or of the
        // snapshot's arrays outgrowing a Slice.
        Result<void> status;
    };
    // What was read since the last take, appended to ctx.snapshot's frames and awaiters, its
    // frames' code indices moved into ctx.snapshot.codes (and the codes into ctx.codes). With
    // wait, first waits until every submitted task and check is done. Taking often keeps what the
    // worker holds bounded: its buffers go back to it.
    Taken take(WalkContext& ctx, bool wait);

  private:
    // What the thread read for one batch, in arrays like the snapshot's: no allocation per task.
    struct Batch {
        struct TaskAt {
            TaskChains chains;   // slices of the arrays below
            int32_t error = -1;  // into errors, or -1
        };
        struct NewCode {  // a code the thread met first in this batch
            uint64_t addr = 0;
            Code code;
            CodeInfo info;  // info.index: the thread's own index
        };
        std::vector<Frame> frames;  // the thread's code indices
        std::vector<Awaiter> awaiters;
        std::vector<TaskAt> tasks;
        std::vector<Error> errors;
        std::vector<NewCode> codes;         // in index order
        std::vector<TornReadCheck> checks;  // verified after the tasks, then emptied
        Result<void> checked;               // the first check that failed
        void append(Result<TaskChains> chains);
        void clear();
    };

    ChainWorker(std::unique_ptr<RemoteMemory> memory, const WalkContext& ctx);
    static WalkLimits batch_limits(const WalkLimits& walk);
    void run();
    void flush_batch();  // hands the batch being filled to the thread
    void new_codes(Batch& out);
    Result<void> unpack(WalkContext& ctx, Batch& batch, std::vector<Result<TaskChains>>& out);

    std::unique_ptr<RemoteMemory> memory_;
    const WalkLimits limits_;         // the walk's, with its share of the budgets
    Snapshot codes_;                  // the worker's own code table (only `codes` is used)
    WalkContext wctx_;                // the worker thread's walk state
    std::size_t codes_sent_ = 0;      // the thread's codes already put in a batch
    std::vector<uint32_t> code_map_;  // worker code index -> index in the walk's snapshot

    // A batch of work: tasks whose chains to read, then checks to verify.
    struct Work {
        std::vector<TaskLinks> links;
        std::vector<TornReadCheck> checks;
    };

    static constexpr std::size_t kBatch = 256;
    // Tasks handed over and not yet read (a check counts as a batch): past kMaxPending batches the
    // walk's thread waits rather than queue more, so what waits for the worker stays small.
    static constexpr std::size_t kMaxPending = 8;
    static constexpr std::size_t kRoom = 4 * kBatch;

    std::vector<TaskLinks> filling_;     // the submitter's batch, not yet visible to the thread
    std::vector<TornReadCheck> checks_;  // checks to go with it
    std::vector<TornReadCheck> spare_checks_;  // verified checks, empty, for submit_check

    std::mutex mutex_;  // guards everything below
    std::condition_variable work_ready_;
    std::condition_variable work_done_;
    std::deque<Work> queue_;
    std::deque<Batch> done_;
    std::vector<Batch> spare_;              // taken batches, emptied, for the thread to fill again
    std::size_t submitted_ = 0;             // written by the walk's thread only
    std::atomic<std::size_t> finished_{0};  // written by the worker only
    bool stopping_ = false;

    std::thread thread_;
};

}  // namespace aps::model
