// `ps`: the task table, one row per (task, awaiter), as tools.py `build_task_table` and
// `display_awaited_by_tasks_table` print it, with every name escaped.
#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "aps/render.hpp"
#include "render/escape.hpp"
#include "render/frame_text.hpp"
#include "render/name_cut.hpp"
#include "render/ordered_blocks.hpp"
#include "render/py_format.hpp"
#include "render/task_index.hpp"

namespace aps {
namespace {

constexpr std::size_t kWidths[] = {10, 20, 20, 50, 50, 15, 15};
constexpr std::size_t kDashes = 180;
constexpr std::string_view kArrow = " -> ";

// Escaped co_qualname of each code object, computed up front: both threads of the table read it.
class FunctionNames {
  public:
    explicit FunctionNames(const Snapshot& snapshot)
        : unknown_(render::escape_text(render::code_of(snapshot, Frame{UINT32_MAX}).function)) {
        escaped_.reserve(snapshot.codes.size());
        for (const Code& code : snapshot.codes)
            escaped_.push_back(render::escape_text(code.function));
    }

    // `out` = the chain of `frames`, left as it is when it already holds the chain of `last`
    // (rows in a row often share a stack: the leaves of one gather, one awaiter's children).
    // `out` and `last` start empty: the empty chain is that of no frames.
    void set_chain(std::string& out, std::span<const Frame> frames,
                   std::span<const Frame>& last) const {
        const auto same_code = [](const Frame& a, const Frame& b) { return a.code == b.code; };
        // Equal Slices are the same frames; other stacks may still be the same code.
        if ((frames.data() == last.data() && frames.size() == last.size()) ||
            std::equal(frames.begin(), frames.end(), last.begin(), last.end(), same_code)) {
            return;
        }
        out.clear();
        bool first = true;
        for (const Frame& frame : frames) {
            if (!first) out.append(kArrow);
            first = false;
            out.append(name(frame));
        }
        last = frames;
    }

    // The bytes set_chain writes for `frames`.
    std::size_t chain_bytes(std::span<const Frame> frames) const {
        std::size_t bytes = 0;
        for (const Frame& frame : frames) {
            bytes += kArrow.size() + name(frame).size();
        }
        return bytes;
    }

  private:
    const std::string& name(const Frame& frame) const {
        return frame.code < escaped_.size() ? escaped_[frame.code] : unknown_;
    }

    std::vector<std::string> escaped_;
    std::string unknown_;
};

// Rows are made in blocks of about this many bytes, on two threads for a big table; a block is
// held whole until its turn comes, so it is cut by size, inside a task's rows when need be (a
// task awaited by thousands has a row for each).
constexpr std::size_t kBlockBytes = std::size_t{1} << 20;
// A row's bytes besides its names and chains: the padding of the fixed-width columns, with room
// for ids.
constexpr std::size_t kRowBytes = 250;

// A task's rows: one per awaiter, or one; and one more that marks awaiters it could not read.
std::size_t rows_of(const Task& task, std::span<const Awaiter> awaiters) {
    if (task.marks & kAwaitersUnreadable) return awaiters.size() + 1;
    return std::max<std::size_t>(awaiters.size(), 1);
}

struct Block {
    uint64_t tid;
    const std::vector<Task>* tasks;
    std::size_t task, awaiter;  // the first row: (*tasks)[task], its awaiter number `awaiter`
    std::size_t rows;
    std::size_t edge;  // the index's await edge of the first row that has an awaiter
};

std::vector<Block> plan_blocks(const Snapshot& snapshot, const FunctionNames& functions) {
    std::vector<Block> blocks;
    std::size_t edge = 0;
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            Block block{thread.tid, &thread.tasks, 0, 0, 0, edge};
            std::size_t bytes = 0;
            for (std::size_t t = 0; t < thread.tasks.size(); ++t) {
                const Task& task = thread.tasks[t];
                const std::size_t task_bytes = kRowBytes + snapshot.name_of(task).size() +
                                               functions.chain_bytes(snapshot.frames_of(task));
                const std::span<const Awaiter> awaiters = snapshot.awaiters_of(task);
                const std::size_t rows = rows_of(task, awaiters);
                for (std::size_t a = 0; a < rows; ++a) {
                    if (block.rows > 0 && bytes >= kBlockBytes) {
                        blocks.push_back(block);
                        block = Block{thread.tid, &thread.tasks, t, a, 0, edge};
                        bytes = 0;
                    }
                    bytes += task_bytes;
                    if (a < awaiters.size()) {
                        bytes += functions.chain_bytes(snapshot.frames_of(awaiters[a]));
                        ++edge;
                    }
                    ++block.rows;
                }
            }
            if (block.rows > 0) blocks.push_back(block);
        }
    }
    return blocks;
}

void append_row(std::string& out, const std::string_view (&cells)[7]) {
    for (std::size_t i = 0; i < 7; ++i) {
        if (i != 0) out.push_back(' ');
        render::append_ljust(out, cells[i], kWidths[i]);
    }
    out.push_back('\n');
}

// The rows of one block; a row that repeats the cells of the row before reuses their text.
void append_rows(std::string& out, const Block& block, const FunctionNames& functions,
                 const render::TaskIndex& index) {
    std::string tid, task_id, task_name, stack, chain, awaiter_name, awaiter_id;
    const Snapshot& snapshot = index.snapshot();
    const Task* cells_of = nullptr;   // whose id, name and stack the cells hold
    std::span<const Frame> stack_of;  // whose frames `stack` and `chain` hold
    std::span<const Frame> chain_of;
    bool have_awaiter = false;  // `awaiter_name` and `awaiter_id` are those of last_awaiter
    uint64_t last_awaiter = 0;
    std::size_t t = block.task, a = block.awaiter;
    std::size_t edge = block.edge;  // the index's await edges come in this loop's order
    render::append_decimal(tid, block.tid);
    for (std::size_t row = 0; row < block.rows;) {
        const Task& task = (*block.tasks)[t];
        if (cells_of != &task) {
            task_id.clear();
            render::append_py_hex(task_id, task.id);
            task_name.clear();
            render::append_escaped(task_name, render::reference_name(snapshot.name_of(task)));
            functions.set_chain(stack, snapshot.frames_of(task), stack_of);
            cells_of = &task;
        }
        const std::span<const Awaiter> awaiters = snapshot.awaiters_of(task);
        const bool marked = task.marks & kAwaitersUnreadable;
        if (awaiters.empty() || (marked && a == awaiters.size())) {
            const std::string_view cells[7] = {tid,
                                               task_id,
                                               task_name,
                                               stack,
                                               marked ? Snapshot::kUnreadable : "",
                                               "",
                                               marked ? Snapshot::kUnreadable : "0x0"};
            append_row(out, cells);
            ++row;
            ++t;
            a = 0;
            continue;
        }
        for (; a < awaiters.size() && row < block.rows; ++a, ++row) {
            const Awaiter& awaiter = awaiters[a];
            functions.set_chain(chain, snapshot.frames_of(awaiter), chain_of);
            const uint32_t parent = index.awaiter(edge++);
            if (!have_awaiter || awaiter.id != last_awaiter) {
                awaiter_name.clear();
                if (parent != render::TaskIndex::kUnknown) {
                    render::append_escaped(
                        awaiter_name, render::reference_name(snapshot.name_of(index.at(parent))));
                } else {
                    awaiter_name = "Unknown";
                }
                awaiter_id.clear();
                render::append_py_hex(awaiter_id, awaiter.id);
                have_awaiter = true;
                last_awaiter = awaiter.id;
            }
            const std::string_view cells[7] = {tid,   task_id,      task_name, stack,
                                               chain, awaiter_name, awaiter_id};
            append_row(out, cells);
        }
        if (a == awaiters.size() && !marked) {
            ++t;
            a = 0;
        }
    }
}

}  // namespace

std::string render_ps(const Snapshot& snapshot) {
    std::string out;
    render_ps(snapshot, [&out](std::string_view piece) { out.append(piece); });
    return out;
}

void render_ps(const Snapshot& snapshot, const OutputSink& sink, unsigned jobs) {
    const render::TaskIndex index(snapshot);
    const FunctionNames functions(snapshot);
    {
        std::string header;
        const std::string_view cells[7] = {
            "tid",           "task id",      "task name", "coroutine stack",
            "awaiter chain", "awaiter name", "awaiter id"};
        append_row(header, cells);
        header.append(kDashes, '-');
        header.push_back('\n');
        sink(header);
    }
    const std::vector<Block> blocks = plan_blocks(snapshot, functions);
    render::make_blocks_in_order(
        blocks.size(),
        [&](std::size_t i, std::string& out) { append_rows(out, blocks[i], functions, index); },
        sink, jobs);
}

}  // namespace aps
