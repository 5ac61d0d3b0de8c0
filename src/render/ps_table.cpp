// `ps`: the task table, one row per (task, awaiter), as tools.py `build_task_table` and
// `display_awaited_by_tasks_table` print it, with every name escaped.
#include <algorithm>
#include <string>
#include <vector>

#include "aps/render.hpp"
#include "render/escape.hpp"
#include "render/frame_text.hpp"
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

    // `out` = the chain of `frames`, left as it is when it already holds the chain of `*last`
    // (rows in a row often share a stack: the leaves of one gather, one awaiter's children).
    void set_chain(std::string& out, const std::vector<Frame>& frames,
                   const std::vector<Frame>*& last) const {
        const auto same_code = [](const Frame& a, const Frame& b) { return a.code == b.code; };
        if (last != nullptr &&
            std::equal(frames.begin(), frames.end(), last->begin(), last->end(), same_code)) {
            return;
        }
        out.clear();
        bool first = true;
        for (const Frame& frame : frames) {
            if (!first) out.append(kArrow);
            first = false;
            out.append(frame.code < escaped_.size() ? escaped_[frame.code] : unknown_);
        }
        last = &frames;
    }

  private:
    std::vector<std::string> escaped_;
    std::string unknown_;
};

// Rows are made in blocks of this many tasks of one thread, on two threads for a big table.
constexpr std::size_t kTasksPerBlock = 4096;

struct Block {
    uint64_t tid;
    const std::vector<Task>* tasks;
    std::size_t first, last;  // [first, last) of *tasks
    std::size_t edge;         // the index's first await edge in the block
};

std::vector<Block> plan_blocks(const Snapshot& snapshot) {
    std::vector<Block> blocks;
    std::size_t edge = 0;
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (std::size_t first = 0; first < thread.tasks.size(); first += kTasksPerBlock) {
                const std::size_t last = std::min(first + kTasksPerBlock, thread.tasks.size());
                blocks.push_back({thread.tid, &thread.tasks, first, last, edge});
                for (std::size_t i = first; i < last; ++i)
                    edge += thread.tasks[i].awaited_by.size();
            }
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
    const std::vector<Frame>* stack_of = nullptr;  // whose frames `stack` and `chain` hold
    const std::vector<Frame>* chain_of = nullptr;
    bool have_awaiter = false;  // `awaiter_name` and `awaiter_id` are those of last_awaiter
    uint64_t last_awaiter = 0;
    std::size_t edge = block.edge;  // the index's await edges come in this loop's order
    render::append_decimal(tid, block.tid);
    for (std::size_t i = block.first; i < block.last; ++i) {
        const Task& task = (*block.tasks)[i];
        task_id.clear();
        render::append_py_hex(task_id, task.id);
        task_name.clear();
        render::append_escaped(task_name, task.name);
        functions.set_chain(stack, task.frames, stack_of);

        if (task.awaited_by.empty()) {
            const std::string_view row[7] = {tid, task_id, task_name, stack, "", "", "0x0"};
            append_row(out, row);
            continue;
        }
        for (const Awaiter& awaiter : task.awaited_by) {
            functions.set_chain(chain, awaiter.frames, chain_of);
            const uint32_t parent = index.awaiter(edge++);
            if (!have_awaiter || awaiter.id != last_awaiter) {
                awaiter_name.clear();
                if (parent != render::TaskIndex::kUnknown) {
                    render::append_escaped(awaiter_name, index.at(parent).name);
                } else {
                    awaiter_name = "Unknown";
                }
                awaiter_id.clear();
                render::append_py_hex(awaiter_id, awaiter.id);
                have_awaiter = true;
                last_awaiter = awaiter.id;
            }
            const std::string_view row[7] = {tid,   task_id,      task_name, stack,
                                             chain, awaiter_name, awaiter_id};
            append_row(out, row);
        }
    }
}

}  // namespace

std::string render_ps(const Snapshot& snapshot) {
    std::string out;
    render_ps(snapshot, [&out](std::string_view piece) { out.append(piece); });
    return out;
}

void render_ps(const Snapshot& snapshot, const OutputSink& sink) {
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
    const std::vector<Block> blocks = plan_blocks(snapshot);
    render::make_blocks_in_order(
        blocks.size(),
        [&](std::size_t i, std::string& out) { append_rows(out, blocks[i], functions, index); },
        sink);
}

}  // namespace aps
