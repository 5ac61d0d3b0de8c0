// `pstree`: the cycle report, or the forest printed as tools.py `build_async_tree` renders it
// (iteratively, so depth is bounded only by memory), with every label escaped; or, when that
// would be too large, printed compact (tree_bounds.hpp).
#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "aps/render.hpp"
#include "render/await_tree.hpp"
#include "render/cycles.hpp"
#include "render/escape.hpp"
#include "render/name_cut.hpp"
#include "render/py_format.hpp"
#include "render/task_index.hpp"
#include "render/tree_bounds.hpp"
#include "render/tree_size.hpp"

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
// The compact tree's marks: a task's id after its name where it appears more than once, the
// reference to it where it appears again, the levels a line deeper than the cap leaves out.
constexpr std::string_view kIdOpen = " [";
constexpr std::string_view kIdClose = "]";
constexpr std::string_view kSeeAbove = " (see above)";
constexpr std::string_view kDeeperOpen = "[+";
constexpr std::string_view kDeeperClose = "] ";

// How the forest is printed: the reference's way, or compact.
struct Shape {
    bool compact = false;
    std::vector<char> tagged;  // compact: by task ordinal, printed with its id (it appears again)
};

class ForestPrinter {
  public:
    ForestPrinter(AwaitForest& forest, const render::TaskIndex& index,
                  const render::TreeBounds& bounds)
        : forest_(forest), index_(index), bounds_(bounds) {}

    // The reference's way, unless that is past the bounds (tree_bounds.hpp).
    Shape choose_shape() {
        Shape shape;
        if (render::compact_is_full(forest_, index_, bounds_.compact_depth)) return shape;
        render::FullTreeSize full = render::measure_full_tree(
            forest_, index_,
            render::LineBytes{[this](uint32_t ordinal) {
                                  scratch_.clear();
                                  task_text(scratch_, ordinal);
                                  return kTaskFlag.size() + scratch_.size() + 1;
                              },
                              [this](uint32_t label) {
                                  return kCoroFlag.size() + escaped_label(label).size() + 1;
                              }});
        // Not past the bounds even if the compact tree were as small as it can be: print it whole.
        if (!bounds_.prefer_compact(full.bytes, full.compact_floor)) return shape;
        shape.compact = true;
        shape.tagged = std::move(full.repeated);
        uint64_t compact_bytes = 0;
        print([&compact_bytes](std::string_view piece) { compact_bytes += piece.size(); }, shape);
        if (!bounds_.prefer_compact(full.bytes, compact_bytes)) return Shape{};
        return shape;
    }

    void print(const OutputSink& sink, const Shape& shape) {
        std::string out;
        // A chunk, or what the forest needs if less (see ps_table.cpp).
        out.reserve(std::min(kOutputChunk, 128 * (index_.size() + forest_.children.size())) + 4096);
        sink_ = &sink;
        shape_ = &shape;
        max_depth_ = shape.compact ? bounds_.compact_depth : UINT64_MAX;
        expanded_.assign(shape.compact ? forest_.tasks : 0, 0);
        for (const uint32_t root : forest_.roots) print_tree(out, root);
        if (!out.empty()) sink(out);
    }

  private:
    struct Visit {
        uint32_t next;       // index in forest_.children of the next child to print
        uint32_t end;        // end of this node's children
        std::size_t indent;  // length of the prefix for this node's children
        uint64_t depth;      // of this node's children (a root's line has depth 0)
    };

    // One tree: every line is prefix + branch + label; prefixes grow by one indent per level
    // (in the compact tree, up to max_depth_ levels).
    void print_tree(std::string& out, uint32_t root) {
        prefix_.clear();
        stack_.clear();
        node(out, kLastBranch, kLastIndent, root, 0);
        while (!stack_.empty()) {
            Visit& top = stack_.back();
            if (top.next == top.end) {
                stack_.pop_back();
                continue;
            }
            const uint32_t child = forest_.children[top.next++];
            const bool last = top.next == top.end;
            prefix_.resize(top.indent);
            node(out, last ? kLastBranch : kMidBranch, last ? kLastIndent : kMidIndent, child,
                 top.depth);
            // `top` may be dead: node() pushes
        }
    }

    // The node's line, then its children: pushed for later, or, for a task that awaits nothing,
    // its own stack printed right away (a chain with one child per level). In the compact tree
    // a task's children come only the first time it appears.
    void node(std::string& out, std::string_view branch, std::string_view indent, uint32_t n,
              uint64_t depth) {
        if (forest_.is_task(n)) {
            line_start(out, branch, kTaskFlag, depth);
            task_text(out, n);
            if (shape_->compact && compact_task(out, n)) return;
            line_end(out);
            descend(indent, depth);
            if (forest_.shows_own_stack(n)) {
                const std::span<const Frame> frames = index_.snapshot().frames_of(index_.at(n));
                for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
                    label_line(out, kLastBranch, forest_.labels.label_of(*it), ++depth);
                    descend(kLastIndent, depth);
                }
                return;
            }
        } else {
            label_line(out, branch, forest_.coro_label[n - forest_.tasks], depth);
            descend(indent, depth);
        }
        stack_.push_back(
            Visit{forest_.child_begin[n], forest_.child_begin[n + 1], prefix_.size(), depth + 1});
    }

    // The task's label as the reference prints it.
    void task_text(std::string& out, uint32_t n) {
        render::append_escaped(out,
                               render::reference_name(index_.snapshot().name_of(index_.at(n))));
        // Where it hangs depends on its awaiters: say when they could not be read.
        if (index_.at(n).marks & kAwaitersUnreadable) out.append(kAwaitersMarker);
    }

    // The compact tree's end of a task's line: its id when it appears more than once, and where
    // it appears again, the reference to it, which ends the line and the node (returns true).
    bool compact_task(std::string& out, uint32_t n) {
        if (shape_->tagged[n]) {
            out.append(kIdOpen);
            render::append_py_hex(out, index_.at(n).id);
            out.append(kIdClose);
        }
        if (!expanded_[n]) {
            expanded_[n] = 1;
            return false;
        }
        out.append(kSeeAbove);
        line_end(out);
        return true;
    }

    // The prefix of the lines below a node at `depth`: one unit longer, up to max_depth_ units.
    void descend(std::string_view indent, uint64_t depth) {
        if (depth < max_depth_) prefix_.append(indent);
    }

    void label_line(std::string& out, std::string_view branch, uint32_t label, uint64_t depth) {
        line_start(out, branch, kCoroFlag, depth);
        out.append(escaped_label(label));
        line_end(out);
    }

    void line_start(std::string& out, std::string_view branch, std::string_view flag,
                    uint64_t depth) {
        out.append(prefix_);
        if (depth > max_depth_) {
            out.append(kDeeperOpen);
            render::append_decimal(out, depth - max_depth_);
            out.append(kDeeperClose);
        }
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
    const render::TreeBounds& bounds_;
    std::vector<std::string> escaped_labels_;
    std::vector<char> label_done_;
    std::string prefix_;
    std::string scratch_;
    std::vector<Visit> stack_;
    const OutputSink* sink_ = nullptr;
    const Shape* shape_ = nullptr;
    uint64_t max_depth_ = UINT64_MAX;
    std::vector<char> expanded_;  // compact: by task ordinal, printed in full already
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
    return render::render_pstree(snapshot, sink, render::TreeBounds{});
}

TreeOutput render::render_pstree(const Snapshot& snapshot, const OutputSink& sink,
                                 const TreeBounds& bounds) {
    const render::TaskIndex index(snapshot);
    TreeOutput result;
    const std::vector<render::Cycle> cycles = render::find_await_cycles(index);
    if (!cycles.empty()) {
        result.err = render::format_cycle_report(cycles, index);
        result.exit_code = 1;
        return result;
    }
    AwaitForest forest = render::build_await_forest(snapshot, index);
    ForestPrinter printer(forest, index, bounds);
    printer.print(sink, printer.choose_shape());
    return result;
}

}  // namespace aps
