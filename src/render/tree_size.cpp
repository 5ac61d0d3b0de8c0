// Measuring the reference's tree (see tree_size.hpp).
#include "render/tree_size.hpp"

#include <algorithm>
#include <span>

namespace aps::render {
namespace {

// "└── " and "├── " are both three 3-byte characters and a space; "    " and "│   " are the
// prefix units under a last child and under any other child.
constexpr uint64_t kBranchBytes = 10;
constexpr uint64_t kLastIndentBytes = 4;
constexpr uint64_t kMidIndentBytes = 6;

uint64_t sat_add(uint64_t a, uint64_t b) {
    uint64_t r = 0;
    return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

uint64_t sat_mul(uint64_t a, uint64_t b) {
    uint64_t r = 0;
    return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

// A subtree as the reference prints it, without the prefix of its first line, and without the
// unit its own lines below get from it: that one depends on whether it is its parent's last child.
struct Size {
    uint64_t lines = 0;  // 0: not measured yet
    uint64_t bytes = 0;
    uint64_t depth = 0;  // of its deepest line, below its first
};

// The subtree's bytes once it is placed as a last child or not.
uint64_t placed(const Size& s, bool last) {
    return sat_add(s.bytes, sat_mul(last ? kLastIndentBytes : kMidIndentBytes, s.lines - 1));
}

// The child's lines go under the parent's line, each with one more prefix unit (the parent's).
void add_child(Size& parent, const Size& child, bool last) {
    parent.lines = sat_add(parent.lines, child.lines);
    parent.bytes = sat_add(parent.bytes, placed(child, last));
    parent.depth = std::max(parent.depth, child.depth + 1);
}

class Measure {
  public:
    Measure(AwaitForest& forest, const TaskIndex& index, const LineBytes& line_bytes)
        : f_(forest), index_(index), line_bytes_(line_bytes), tasks_(forest.tasks) {}

    FullTreeSize run() {
        FullTreeSize out;
        listings_.assign(f_.tasks, 0);
        for (const uint32_t root : f_.roots) {
            const Size s = f_.shows_own_stack(root) ? own_stack(root) : subtree(root);
            out.lines = sat_add(out.lines, s.lines);
            out.bytes = sat_add(out.bytes, placed(s, true));
            out.depth = std::max(out.depth, s.depth);
        }
        out.compact_floor = floor_;
        out.repeated.resize(f_.tasks);
        for (uint32_t o = 0; o < f_.tasks; ++o) {
            out.repeated[o] = listings_[o] >= 2;
            out.any_repeated = out.any_repeated || out.repeated[o];
        }
        return out;
    }

  private:
    struct Entry {
        uint32_t node;
        uint32_t next;  // index in f_.children of the next child to measure
        bool last;      // the last child of its parent
        Size size;      // so far: its line and the children measured
    };

    // Each node's line is measured once (a task listed again reuses its subtree), and counted
    // into the compact floor then.
    uint64_t line(uint32_t node) {
        const uint64_t bytes =
            kBranchBytes + (f_.is_task(node) ? line_bytes_.task(node)
                                             : line_bytes_.coroutine(f_.coro_label[node - tasks_]));
        floor_ = sat_add(floor_, bytes);
        return bytes;
    }

    // A task that awaits nothing: its line, then its stack, one level deeper per frame, each
    // the last child of the one before.
    Size own_stack(uint32_t task) {
        Size s{1, line(task), 0};
        const std::span<const Frame> frames = index_.snapshot().frames_of(index_.at(task));
        for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
            const uint64_t text = line_bytes_.coroutine(f_.labels.label_of(*it));
            floor_ = sat_add(floor_, kBranchBytes + text);
            s.lines = sat_add(s.lines, 1);
            s.bytes =
                sat_add(s.bytes, sat_add(sat_mul(kLastIndentBytes, s.depth), kBranchBytes + text));
            ++s.depth;
        }
        return s;
    }

    void open(uint32_t node, bool last) {
        stack_.push_back(Entry{node, f_.child_begin[node], last, Size{1, line(node), 0}});
    }

    // Post-order over the forest below `root`; each task measured once, then reused.
    Size subtree(uint32_t root) {
        open(root, true);
        for (;;) {
            Entry& top = stack_.back();
            const uint32_t end = f_.child_begin[top.node + 1];
            if (top.next != end) {
                const uint32_t child = f_.children[top.next++];
                const bool last = top.next == end;
                if (f_.is_task(child)) {
                    listings_[child] = static_cast<uint8_t>(std::min(listings_[child] + 1, 2));
                    Size& known = measured_[child];
                    if (known.lines != 0) {
                        // Listed again: in the compact tree, one line.
                        floor_ = sat_add(floor_, kBranchBytes + line_bytes_.task(child));
                        add_child(top.size, known, last);
                        continue;
                    }
                    if (f_.shows_own_stack(child)) {
                        known = own_stack(child);
                        add_child(top.size, known, last);
                        continue;
                    }
                }
                open(child, last);  // `top` may be dead
                continue;
            }
            const Entry done = top;
            stack_.pop_back();
            if (f_.is_task(done.node)) measured_[done.node] = done.size;
            if (stack_.empty()) return done.size;
            add_child(stack_.back().size, done.size, done.last);
        }
    }

    AwaitForest& f_;
    const TaskIndex& index_;
    const LineBytes& line_bytes_;
    const uint32_t tasks_;
    std::vector<uint8_t> listings_;  // by task: under how many parents, up to 2
    uint64_t floor_ = 0;
    std::vector<Size> measured_ = std::vector<Size>(tasks_);
    std::vector<Entry> stack_;
};

}  // namespace

bool compact_is_full(const AwaitForest& forest, const TaskIndex& index, uint64_t depth) {
    std::vector<char> listed(forest.tasks, 0);
    for (const uint32_t child : forest.children) {
        if (!forest.is_task(child)) continue;
        if (listed[child]) return false;
        listed[child] = 1;
    }
    // A forest of trees now: each node is met once, and the walk stops past `depth`.
    struct Entry {
        uint32_t next, end;
    };
    std::vector<Entry> stack;
    const auto fits = [&](uint32_t node, uint64_t at) {
        if (at > depth) return false;
        if (forest.shows_own_stack(node)) {
            return index.snapshot().frames_of(index.at(node)).size() <= depth - at;
        }
        stack.push_back(Entry{forest.child_begin[node], forest.child_begin[node + 1]});
        return true;
    };
    for (const uint32_t root : forest.roots) {
        stack.clear();
        if (!fits(root, 0)) return false;
        while (!stack.empty()) {
            Entry& top = stack.back();
            if (top.next == top.end) {
                stack.pop_back();
                continue;
            }
            // Children of the entry at stack depth k (its line at depth k - 1) are at depth k.
            if (!fits(forest.children[top.next++], stack.size())) return false;
        }
    }
    return true;
}

FullTreeSize measure_full_tree(AwaitForest& forest, const TaskIndex& index,
                               const LineBytes& line_bytes) {
    return Measure(forest, index, line_bytes).run();
}

}  // namespace aps::render
