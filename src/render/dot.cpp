// `pstree --format dot`: the await graph for Graphviz. Nodes are tasks (name, coroutine, current
// frame; the whole stack as tooltip), edges go from the awaiting task to the task it awaits,
// cycles are red.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aps/render.hpp"
#include "render/chunked_output.hpp"
#include "render/cycles.hpp"
#include "render/escape.hpp"
#include "render/frame_text.hpp"
#include "render/id_map.hpp"
#include "render/py_format.hpp"
#include "render/task_index.hpp"

namespace aps {
namespace {

constexpr uint32_t kNone = UINT32_MAX;

constexpr std::string_view kPreamble =
    "// aps pstree --format dot: one node per task (name, its coroutine, current frame), one\n"
    "// edge per await (from the awaiting task to the awaited one); await cycles in red.\n"
    "digraph aps {\n"
    "  graph [fontname=\"Helvetica\"];\n"
    "  node [shape=box, style=\"rounded\", fontname=\"Helvetica\", fontsize=10];\n"
    "  edge [arrowsize=0.7];\n";

// Graphviz rejects a quoted string over 16,384 bytes: label pieces are cut to kLabelCodePoints,
// tooltip lines to kTooltipCodePoints, tooltips to kTooltipFrames frames (4 bytes a code point at
// most: a tooltip stays under 9 KiB). The JSON views have the whole text.
constexpr std::size_t kLabelCodePoints = 64;
constexpr std::size_t kTooltipCodePoints = 120;
constexpr std::size_t kTooltipFrames = 16;

// Text inside a dot "..." string: first the terminal escaping (so control characters, bidi
// controls and invalid UTF-8 are visible text), cut to `max` code points with a "…", then \ and "
// escaped for dot, whose labels give `\n`, `\l`, `\N` ... a meaning of their own.
void append_dot_text(std::string& out, std::string_view raw, std::size_t max) {
    const std::string printable = render::escape_text(raw);
    std::size_t code_points = 0;
    for (std::size_t i = 0; i < printable.size(); ++i) {
        const char c = printable[i];
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && code_points++ == max) {
            out.append("\u2026");
            return;
        }
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
}

std::string_view basename(std::string_view path) {
    const std::size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

uint64_t edge_key(uint32_t from, uint32_t to) {
    return (uint64_t{from} << 32) | to;
}

class DotWriter {
  public:
    DotWriter(const Snapshot& snapshot, const render::TaskIndex& index)
        : snapshot_(snapshot), index_(index), tasks_(static_cast<uint32_t>(index.size())) {}

    void write(const std::vector<render::Cycle>& cycles, const OutputSink& sink) {
        // Nodes: the tasks by ordinal, then awaiters that are not tasks, in order of appearance.
        index_.for_each_await(
            [this](const Task&, uint32_t, const Awaiter& awaiter, uint32_t parent) {
                if (parent == render::TaskIndex::kUnknown &&
                    unknown_node_
                        .try_emplace(awaiter.id, tasks_ + static_cast<uint32_t>(unknown_.size()))
                        .second) {
                    unknown_.push_back(awaiter.id);
                }
            });
        in_cycle_.assign(tasks_ + unknown_.size(), 0);
        mark_cycles(cycles);

        render::ChunkedOutput out(sink);
        std::string& text = out.text();
        text.append(kPreamble);
        for (uint32_t n = 0; n < in_cycle_.size(); ++n) {
            node(text, n);
            out.item_done();
        }
        render::IdMap written(index_.awaits());
        index_.for_each_await(
            [&](const Task& task, uint32_t to, const Awaiter& awaiter, uint32_t parent) {
                const uint32_t from = parent != render::TaskIndex::kUnknown
                                          ? parent
                                          : unknown_node_.find(awaiter.id, kNone);
                if (!written.try_emplace(edge_key(from, to), 0).second) return;
                text.append("  \"");
                render::append_py_hex(text, awaiter.id);
                text.append("\" -> \"");
                render::append_py_hex(text, task.id);
                text.append(cycle_edges_.find(edge_key(from, to), kNone) != kNone
                                ? "\" [color=red, penwidth=2];\n"
                                : "\";\n");
                out.item_done();
            });
        text.append("}\n");
        out.flush();
    }

  private:
    uint32_t node_of(uint64_t id) const {
        const uint32_t ordinal = index_.ordinal(id);
        return ordinal != render::TaskIndex::kUnknown ? ordinal : unknown_node_.find(id, kNone);
    }

    void mark_cycles(const std::vector<render::Cycle>& cycles) {
        for (const render::Cycle& cycle : cycles) {
            for (std::size_t i = 0; i < cycle.size(); ++i) {
                const uint32_t n = node_of(cycle[i]);
                if (n == kNone) continue;
                in_cycle_[n] = 1;
                if (i + 1 < cycle.size()) {
                    const uint32_t next = node_of(cycle[i + 1]);
                    if (next != kNone) cycle_edges_.try_emplace(edge_key(n, next), 1);
                }
            }
        }
    }

    void node(std::string& text, uint32_t n) {
        const Task* task = n < tasks_ ? &index_.at(n) : nullptr;
        const uint64_t id = task != nullptr ? task->id : unknown_[n - tasks_];
        text.append("  \"");
        render::append_py_hex(text, id);
        text.append("\" [label=\"");
        if (task == nullptr) {
            // An awaiter that is not a task of the snapshot (a plain future, or gone).
            render::append_py_hex(text, id);
            text.append("\\n(not a task)\", style=\"dashed\"");
        } else {
            const std::span<const Frame> frames = snapshot_.frames_of(*task);
            append_dot_text(text, snapshot_.name_of(*task), kLabelCodePoints);
            frames_label(text, frames);
            text.append("\", tooltip=\"");
            append_dot_text(text, snapshot_.name_of(*task), kTooltipCodePoints);
            std::size_t shown = 0;
            for (auto f = frames.rbegin(); f != frames.rend(); ++f) {
                text.append("\\n");
                if (++shown > kTooltipFrames) {
                    text.append("\u2026");
                    break;
                }
                append_dot_text(text, render::frame_text(render::code_of(snapshot_, *f), *f),
                                kTooltipCodePoints);
            }
            text.push_back('"');
        }
        if (in_cycle_[n]) text.append(", color=red, fontcolor=red, penwidth=2");
        text.append("];\n");
    }

    // Below the name: the task's own coroutine (outermost frame) and, when it is elsewhere, the
    // current (innermost) frame, with a count of the frames between; files by base name.
    void frames_label(std::string& text, std::span<const Frame> frames) {
        if (frames.empty()) return;
        short_frame(text, frames.back());
        if (frames.size() > 2) {
            text.append("\\n\u22ee ");  // "⋮"
            render::append_decimal(text, static_cast<uint64_t>(frames.size() - 2));
            text.append(frames.size() == 3 ? " frame" : " frames");
        }
        if (frames.size() > 1) short_frame(text, frames.front());
    }

    void short_frame(std::string& text, const Frame& frame) {
        const Code& code = render::code_of(snapshot_, frame);
        text.append("\\n");
        append_dot_text(
            text, render::frame_text(Code{code.function, std::string(basename(code.file))}, frame),
            kLabelCodePoints);
    }

    const Snapshot& snapshot_;
    const render::TaskIndex& index_;
    const uint32_t tasks_;
    render::IdMap unknown_node_;     // id → node, for awaiters that are not tasks
    std::vector<uint64_t> unknown_;  // (node - tasks_) → id
    std::vector<char> in_cycle_;
    render::IdMap cycle_edges_;
};

}  // namespace

TreeOutput render_dot(const Snapshot& snapshot, const OutputSink& sink) {
    const render::TaskIndex index(snapshot);
    TreeOutput result;
    const std::vector<render::Cycle> cycles = render::report_await_cycles(index, result);
    DotWriter(snapshot, index).write(cycles, sink);
    return result;
}

}  // namespace aps
