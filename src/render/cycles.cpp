// Await-graph cycle detection (tools.py `_find_cycles`) and the cycle report.
#include "render/cycles.hpp"

#include "render/escape.hpp"
#include "render/id_map.hpp"
#include "render/name_cut.hpp"
#include "render/py_format.hpp"
#include "render/py_set_order.hpp"

namespace aps::render {
namespace {

constexpr uint32_t kNone = UINT32_MAX;

// The graph {parent: set(children)}: keys in first-appearance order, each key's children in the
// iteration order of the Python set the reference builds, over dense node numbers.
struct AwaitGraph {
    std::vector<uint64_t> id_of;        // node -> task id
    std::vector<uint32_t> keys;         // parent nodes, dict key order
    std::vector<uint32_t> key_of_node;  // node -> index in keys, or kNone
    std::vector<uint32_t> key_start;    // key -> start of its children (size keys + 1)
    std::vector<uint32_t> children;     // grouped by key, in set iteration order

    uint32_t begin(uint32_t v) const {
        return key_of_node[v] == kNone ? 0 : key_start[key_of_node[v]];
    }
    uint32_t end(uint32_t v) const {
        return key_of_node[v] == kNone ? 0 : key_start[key_of_node[v] + 1];
    }
};

// One (awaiter id, awaited task id) pair per await edge, in ps row order.
struct IdEdge {
    uint64_t parent;
    uint64_t child;
};

AwaitGraph build_graph(const std::vector<IdEdge>& awaits) {
    AwaitGraph g;
    IdMap node_of(awaits.size() * 2);
    const auto node = [&](uint64_t id) {
        const auto [n, inserted] = node_of.try_emplace(id, static_cast<uint32_t>(g.id_of.size()));
        if (inserted) {
            g.id_of.push_back(id);
            g.key_of_node.push_back(kNone);
        }
        return n;
    };

    // Which key each edge belongs to, and how many edges each key has.
    std::vector<uint32_t> edge_key(awaits.size());
    std::vector<uint32_t> edge_child(awaits.size());
    std::vector<uint32_t> key_edges;
    for (std::size_t e = 0; e < awaits.size(); ++e) {
        const uint32_t p = node(awaits[e].parent);
        edge_child[e] = node(awaits[e].child);
        if (g.key_of_node[p] == kNone) {
            g.key_of_node[p] = static_cast<uint32_t>(g.keys.size());
            g.keys.push_back(p);
            key_edges.push_back(0);
        }
        edge_key[e] = g.key_of_node[p];
        ++key_edges[edge_key[e]];
    }

    // Stable bucketing of the edges by key: within a key, add() order is edge order.
    std::vector<uint32_t> bucket_start(g.keys.size() + 1, 0);
    for (std::size_t k = 0; k < g.keys.size(); ++k) {
        bucket_start[k + 1] = bucket_start[k] + key_edges[k];
    }
    std::vector<uint32_t> bucketed(awaits.size());
    {
        std::vector<uint32_t> cursor(bucket_start.begin(), bucket_start.end() - 1);
        for (std::size_t e = 0; e < awaits.size(); ++e) {
            bucketed[cursor[edge_key[e]]++] = edge_child[e];
        }
    }

    // Replay each key's add() calls on an emulated set to learn its iteration order.
    g.key_start.assign(g.keys.size() + 1, 0);
    g.children.reserve(awaits.size());
    PyIntSet set;
    std::vector<uint64_t> ordered;
    for (std::size_t k = 0; k < g.keys.size(); ++k) {
        g.key_start[k] = static_cast<uint32_t>(g.children.size());
        const uint32_t first = bucket_start[k], last = bucket_start[k + 1];
        if (last - first == 1) {
            g.children.push_back(bucketed[first]);
            continue;
        }
        set.clear();
        for (uint32_t e = first; e < last; ++e) set.add(g.id_of[bucketed[e]]);
        ordered.clear();
        set.append_in_iteration_order(ordered);
        for (const uint64_t id : ordered) g.children.push_back(node_of.find(id, kNone));
    }
    g.key_start[g.keys.size()] = static_cast<uint32_t>(g.children.size());
    return g;
}

// True when the await graph has no cycle, by a DFS in whatever order is cheapest: over tasks by
// ordinal, each task's awaiters straight from the index (edges reversed, which keeps every cycle).
// Needs ordinal == position (no repeated ids), so that a task's edges are one run of the index's.
bool acyclic_without_repeats(const TaskIndex& index) {
    const std::size_t tasks = index.size();
    std::vector<uint32_t> first_edge(tasks + 1);
    for (std::size_t o = 0; o < tasks; ++o) {
        first_edge[o + 1] = first_edge[o] + static_cast<uint32_t>(index.at(o).awaited_by.size());
    }
    enum : uint8_t { kWhite, kGrey, kBlack };
    std::vector<uint8_t> color(tasks, kWhite);
    struct Visit {
        uint32_t node;
        uint32_t next;  // next edge of node to look at
    };
    std::vector<Visit> stack;
    for (uint32_t start = 0; start < tasks; ++start) {
        if (color[start] != kWhite || first_edge[start] == first_edge[start + 1]) continue;
        color[start] = kGrey;
        stack.push_back(Visit{start, first_edge[start]});
        while (!stack.empty()) {
            Visit& top = stack.back();
            if (top.next == first_edge[top.node + 1]) {
                color[top.node] = kBlack;
                stack.pop_back();
                continue;
            }
            const uint32_t w = index.awaiter(top.next++);
            if (w == TaskIndex::kUnknown || color[w] == kBlack) continue;
            if (color[w] == kGrey) return false;
            color[w] = kGrey;
            stack.push_back(Visit{w, first_edge[w]});  // invalidates `top`
        }
    }
    return true;
}

}  // namespace

std::vector<Cycle> find_await_cycles(const TaskIndex& index) {
    if (index.awaits() == 0) return {};
    if (!index.has_duplicates() && acyclic_without_repeats(index)) return {};
    return find_await_cycles_exact(index);
}

std::vector<Cycle> find_await_cycles_exact(const TaskIndex& index) {
    std::vector<Cycle> cycles;
    if (index.awaits() == 0) return cycles;
    const AwaitGraph g = [&index] {
        std::vector<IdEdge> awaits;
        awaits.reserve(index.awaits());
        index.for_each_await(
            [&awaits](const Task& task, uint32_t, const Awaiter& awaiter, uint32_t) {
                awaits.push_back(IdEdge{awaiter.id, task.id});
            });
        return build_graph(awaits);
    }();

    enum : uint8_t { kWhite, kGrey, kBlack };
    const std::size_t nodes = g.id_of.size();
    std::vector<uint8_t> color(nodes, kWhite);
    std::vector<uint32_t> path;  // grey nodes, root first
    std::vector<uint32_t> path_pos(nodes, kNone);
    struct Visit {
        uint32_t node;
        uint32_t next;  // index into g.children of the next child to look at
    };
    std::vector<Visit> stack;

    const auto enter = [&](uint32_t v) {
        color[v] = kGrey;
        path_pos[v] = static_cast<uint32_t>(path.size());
        path.push_back(v);
        stack.push_back(Visit{v, g.begin(v)});
    };

    for (const uint32_t root : g.keys) {
        if (color[root] != kWhite) continue;
        enter(root);
        while (!stack.empty()) {
            Visit& top = stack.back();
            if (top.next == g.end(top.node)) {
                color[top.node] = kBlack;
                path_pos[top.node] = kNone;
                path.pop_back();
                stack.pop_back();
                continue;
            }
            const uint32_t w = g.children[top.next++];
            if (color[w] == kWhite) {
                enter(w);  // invalidates `top`
            } else if (color[w] == kGrey) {
                Cycle cycle;
                cycle.reserve(path.size() - path_pos[w] + 1);
                for (std::size_t i = path_pos[w]; i < path.size(); ++i)
                    cycle.push_back(g.id_of[path[i]]);
                cycle.push_back(g.id_of[w]);
                cycles.push_back(std::move(cycle));
            }
        }
    }
    return cycles;
}

std::string format_cycle_report(const std::vector<Cycle>& cycles, const TaskIndex& index) {
    std::string out = "ERROR: await-graph contains cycles - cannot print a tree!\n\n";
    for (const Cycle& cycle : cycles) {
        out.append("cycle: ");
        bool first = true;
        for (const uint64_t id : cycle) {
            if (!first) out.append(" \u2192 ");
            first = false;
            if (const Task* task = index.find(id)) {
                append_escaped(out, reference_name(index.snapshot().name_of(*task)));
            } else {
                append_py_hex(out, id);
            }
        }
        out.push_back('\n');
    }
    return out;
}

std::vector<Cycle> report_await_cycles(const TaskIndex& index, TreeOutput& result) {
    std::vector<Cycle> cycles = find_await_cycles(index);
    if (!cycles.empty()) {
        result.err = format_cycle_report(cycles, index);
        result.exit_code = 1;
    }
    return cycles;
}

}  // namespace aps::render
