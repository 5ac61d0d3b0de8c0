// `pstree`: the cycle report, or the forest printed as tools.py `build_async_tree` renders it
// (iteratively, so depth is bounded only by memory), with every label escaped.
#include <algorithm>
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

class ForestPrinter {
  public:
    ForestPrinter(const AwaitForest& forest, const render::TaskIndex& index)
        : forest_(forest),
          index_(index),
          escaped_labels_(forest.labels.size()),
          label_done_(forest.labels.size(), 0) {}

    void print(const OutputSink& sink) {
        std::string out;
        // A chunk, or what the forest needs if less (see ps_table.cpp).
        out.reserve(std::min(kOutputChunk, 128 * forest_.nodes.size()) + 4096);
        sink_ = &sink;
        for (const uint32_t root : forest_.roots) print_tree(out, root);
        if (!out.empty()) sink(out);
    }

  private:
    struct Visit {
        uint32_t edge;       // next child edge to print
        std::size_t indent;  // length of the prefix for this node's children
    };

    // One tree: every line is prefix + branch + label; prefixes grow by one indent per level.
    void print_tree(std::string& out, uint32_t root) {
        prefix_.clear();
        line(out, kLastBranch, root);
        prefix_.append(kLastIndent);
        stack_.clear();
        stack_.push_back(Visit{forest_.nodes[root].first_edge, prefix_.size()});
        while (!stack_.empty()) {
            Visit& top = stack_.back();
            if (top.edge == AwaitForest::kNone) {
                stack_.pop_back();
                continue;
            }
            const uint32_t edge = top.edge;
            top.edge = forest_.edge_next[edge];
            const bool last = top.edge == AwaitForest::kNone;
            prefix_.resize(top.indent);
            const uint32_t child = forest_.edge_child[edge];
            line(out, last ? kLastBranch : kMidBranch, child);
            prefix_.append(last ? kLastIndent : kMidIndent);
            stack_.push_back(Visit{forest_.nodes[child].first_edge, prefix_.size()});  // `top` dies
        }
    }

    void line(std::string& out, std::string_view branch, uint32_t node) {
        out.append(prefix_);
        out.append(branch);
        const AwaitForest::Node& n = forest_.nodes[node];
        if (n.is_task) {
            out.append(kTaskFlag);
            if (n.label != AwaitForest::kNone) render::append_escaped(out, index_.at(n.label).name);
        } else {
            out.append(kCoroFlag);
            out.append(escaped_label(n.label));
        }
        out.push_back('\n');
        if (out.size() >= kOutputChunk) {
            (*sink_)(out);
            out.clear();
        }
    }

    const std::string& escaped_label(uint32_t label) {
        if (!label_done_[label]) {
            escaped_labels_[label] = render::escape_text(forest_.labels[label]);
            label_done_[label] = 1;
        }
        return escaped_labels_[label];
    }

    const AwaitForest& forest_;
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
    const std::vector<render::Cycle> cycles = render::find_await_cycles(index.awaits());
    if (!cycles.empty()) {
        result.err = render::format_cycle_report(cycles, index);
        result.exit_code = 1;
        return result;
    }
    const AwaitForest forest = render::build_await_forest(snapshot, index);
    ForestPrinter(forest, index).print(sink);
    return result;
}

}  // namespace aps
