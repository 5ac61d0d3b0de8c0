// `pstree`: the cycle report, or the forest printed as tools.py `build_async_tree` renders it
// (iteratively, so depth is bounded only by memory), with every label escaped.
#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "aps/render.hpp"
#include "render/await_tree.hpp"
#include "render/cycles.hpp"
#include "render/escape.hpp"
#include "render/task_index.hpp"

namespace aps {
namespace {

using render::AwaitForest;

constexpr std::string_view kLastBranch = "\u2514\u2500\u2500 ";  // "└── "
constexpr std::string_view kMidBranch = "\u251c\u2500\u2500 ";   // "├── "
constexpr std::string_view kLastIndent = "    ";
constexpr std::string_view kMidIndent = "\u2502   ";  // "│   "
constexpr std::string_view kTaskFlag = "(T) ";
constexpr std::string_view kCoroFlag = " ";  // the reference's empty coroutine emoji + its space
constexpr std::string_view kAwaitersMarker = " (awaiters <unreadable>)";

class ForestPrinter {
  public:
    ForestPrinter(AwaitForest& forest, const render::TaskIndex& index)
        : forest_(forest), index_(index) {}

    void print(const OutputSink& sink) {
        std::string out;
        // A chunk, or what the forest needs if less (see ps_table.cpp).
        out.reserve(std::min(kOutputChunk, 128 * (index_.size() + forest_.children.size())) + 4096);
        sink_ = &sink;
        for (const uint32_t root : forest_.roots) print_tree(out, root);
        if (!out.empty()) sink(out);
    }

  private:
    struct Visit {
        uint32_t next;       // index in forest_.children of the next child to print
        uint32_t end;        // end of this node's children
        std::size_t indent;  // length of the prefix for this node's children
    };

    // One tree: every line is prefix + branch + label; prefixes grow by one indent per level.
    void print_tree(std::string& out, uint32_t root) {
        prefix_.clear();
        stack_.clear();
        node(out, kLastBranch, kLastIndent, root);
        while (!stack_.empty()) {
            Visit& top = stack_.back();
            if (top.next == top.end) {
                stack_.pop_back();
                continue;
            }
            const uint32_t child = forest_.children[top.next++];
            const bool last = top.next == top.end;
            prefix_.resize(top.indent);
            node(out, last ? kLastBranch : kMidBranch, last ? kLastIndent : kMidIndent, child);
            // `top` may be dead: node() pushes
        }
    }

    // The node's line, then its children: pushed for later, or, for a task that awaits nothing,
    // its own stack printed right away (a chain with one child per level).
    void node(std::string& out, std::string_view branch, std::string_view indent, uint32_t n) {
        if (forest_.is_task(n)) {
            line_start(out, branch, kTaskFlag);
            render::append_escaped(out, index_.snapshot().name_of(index_.at(n)));
            // Where it hangs depends on its awaiters: say when they could not be read.
            if (index_.at(n).marks & kAwaitersUnreadable) out.append(kAwaitersMarker);
            line_end(out);
            prefix_.append(indent);
            if (forest_.shows_own_stack(n)) {
                const std::span<const Frame> frames = index_.snapshot().frames_of(index_.at(n));
                for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
                    label_line(out, kLastBranch, forest_.labels.label_of(*it));
                    prefix_.append(kLastIndent);
                }
                return;
            }
        } else {
            label_line(out, branch, forest_.coro_label[n - forest_.tasks]);
            prefix_.append(indent);
        }
        stack_.push_back(Visit{forest_.child_begin[n], forest_.child_begin[n + 1], prefix_.size()});
    }

    void label_line(std::string& out, std::string_view branch, uint32_t label) {
        line_start(out, branch, kCoroFlag);
        out.append(escaped_label(label));
        line_end(out);
    }

    void line_start(std::string& out, std::string_view branch, std::string_view flag) {
        out.append(prefix_);
        out.append(branch);
        out.append(flag);
    }

    void line_end(std::string& out) {
        out.push_back('\n');
        if (out.size() >= kOutputChunk) {
            (*sink_)(out);
            out.clear();
        }
    }

    const std::string& escaped_label(uint32_t label) {
        if (label >= escaped_labels_.size()) {
            escaped_labels_.resize(forest_.labels.size());
            label_done_.resize(forest_.labels.size(), 0);
        }
        if (!label_done_[label]) {
            escaped_labels_[label] = render::escape_text(forest_.labels.text(label));
            label_done_[label] = 1;
        }
        return escaped_labels_[label];
    }

    AwaitForest& forest_;  // its labels grow with the frames of tasks that await nothing
    const render::TaskIndex& index_;
    std::vector<std::string> escaped_labels_;
    std::vector<char> label_done_;
    std::string prefix_;
    std::vector<Visit> stack_;
    const OutputSink* sink_ = nullptr;
};

}  // namespace

TreeOutput render_pstree(const Snapshot& snapshot) {
    std::string out;
    TreeOutput result =
        render_pstree(snapshot, [&out](std::string_view piece) { out.append(piece); });
    result.out = std::move(out);
    return result;
}

TreeOutput render_pstree(const Snapshot& snapshot, const OutputSink& sink) {
    const render::TaskIndex index(snapshot);
    TreeOutput result;
    const std::vector<render::Cycle> cycles = render::find_await_cycles(index);
    if (!cycles.empty()) {
        result.err = render::format_cycle_report(cycles, index);
        result.exit_code = 1;
        return result;
    }
    AwaitForest forest = render::build_await_forest(snapshot, index);
    ForestPrinter(forest, index).print(sink);
    return result;
}

}  // namespace aps
