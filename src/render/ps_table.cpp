// `ps`: the task table, one row per (task, awaiter), as tools.py `build_task_table` and
// `display_awaited_by_tasks_table` print it, with every name escaped.
#include <algorithm>
#include <string>
#include <vector>

#include "aps/render.hpp"
#include "render/escape.hpp"
#include "render/frame_text.hpp"
#include "render/py_format.hpp"
#include "render/task_index.hpp"

namespace aps {
namespace {

constexpr std::size_t kWidths[] = {10, 20, 20, 50, 50, 15, 15};
constexpr std::size_t kDashes = 180;
constexpr std::string_view kArrow = " -> ";

// Escaped co_qualname of each code object, computed once.
class FunctionNames {
  public:
    explicit FunctionNames(const Snapshot& snapshot)
        : snapshot_(snapshot), escaped_(snapshot.codes.size()), done_(snapshot.codes.size()) {}

    // `out` = the chain of `frames`, left as it is when it already holds the chain of `*last`
    // (rows in a row often share a stack: the leaves of one gather, one awaiter's children).
    void set_chain(std::string& out, const std::vector<Frame>& frames,
                   const std::vector<Frame>*& last) {
        const auto same_code = [](const Frame& a, const Frame& b) { return a.code == b.code; };
        if (last != nullptr &&
            std::equal(frames.begin(), frames.end(), last->begin(), last->end(), same_code)) {
            return;
        }
        out.clear();
        append_chain(out, frames);
        last = &frames;
    }

    void append_chain(std::string& out, const std::vector<Frame>& frames) {
        bool first = true;
        for (const Frame& frame : frames) {
            if (!first) out.append(kArrow);
            first = false;
            out.append(name(frame));
        }
    }

  private:
    const std::string& name(const Frame& frame) {
        if (frame.code >= escaped_.size()) {
            static const std::string kUnknown =
                render::escape_text(render::code_of(snapshot_, frame).function);
            return kUnknown;
        }
        if (!done_[frame.code]) {
            escaped_[frame.code] = render::escape_text(snapshot_.codes[frame.code].function);
            done_[frame.code] = 1;
        }
        return escaped_[frame.code];
    }

    const Snapshot& snapshot_;
    std::vector<std::string> escaped_;
    std::vector<char> done_;
};

void append_row(std::string& out, const std::string_view (&cells)[7]) {
    for (std::size_t i = 0; i < 7; ++i) {
        if (i != 0) out.push_back(' ');
        render::append_ljust(out, cells[i], kWidths[i]);
    }
    out.push_back('\n');
}

}  // namespace

std::string render_ps(const Snapshot& snapshot) {
    std::string out;
    render_ps(snapshot, [&out](std::string_view piece) { out.append(piece); });
    return out;
}

void render_ps(const Snapshot& snapshot, const OutputSink& sink) {
    const render::TaskIndex index(snapshot);
    FunctionNames functions(snapshot);

    std::string out;
    // Room for a chunk, but no more than the table needs: a megabyte per call is costly under
    // AddressSanitizer (the fuzzer renders thousands of small snapshots a second).
    out.reserve(std::min(kOutputChunk, 256 * (index.size() + index.awaits())) + 4096);
    auto flush_if_full = [&] {
        if (out.size() >= kOutputChunk) {
            sink(out);
            out.clear();
        }
    };
    {
        const std::string_view header[7] = {
            "tid",           "task id",      "task name", "coroutine stack",
            "awaiter chain", "awaiter name", "awaiter id"};
        append_row(out, header);
        out.append(kDashes, '-');
        out.push_back('\n');
    }

    std::string tid, task_id, task_name, stack, chain, awaiter_name, awaiter_id;
    const std::vector<Frame>* stack_of = nullptr;  // whose frames `stack` and `chain` hold
    const std::vector<Frame>* chain_of = nullptr;
    bool have_awaiter = false;  // `awaiter_name` and `awaiter_id` are those of last_awaiter
    uint64_t last_awaiter = 0;
    std::size_t edge = 0;  // the index's await edges come in this loop's order
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            tid.clear();
            render::append_decimal(tid, thread.tid);
            for (const Task& task : thread.tasks) {
                task_id.clear();
                render::append_py_hex(task_id, task.id);
                task_name.clear();
                render::append_escaped(task_name, task.name);
                functions.set_chain(stack, task.frames, stack_of);

                if (task.awaited_by.empty()) {
                    const std::string_view row[7] = {tid, task_id, task_name, stack, "", "", "0x0"};
                    append_row(out, row);
                    flush_if_full();
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
                    flush_if_full();
                }
            }
        }
    }
    if (!out.empty()) sink(out);
}

}  // namespace aps
