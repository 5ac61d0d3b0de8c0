// Cycle check of the task-to-task await graph, exactly as tools.py `_task_graph` + `_find_cycles`
// (same DFS order, so the same cycles in the same order), iterative, and the stderr report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "aps/render.hpp"
#include "render/task_index.hpp"

namespace aps::render {

// Each cycle is a list of task ids whose first and last entries are the same task.
using Cycle = std::vector<uint64_t>;

// Empty when the graph is acyclic. An order-free DFS over the snapshot's awaited_by lists proves
// the usual acyclic graph cheaply; only a graph with a cycle (or with repeated task ids) pays for
// the reference's exact walk.
std::vector<Cycle> find_await_cycles(const TaskIndex& index);

// The reference's walk itself, whatever the graph (for tests of the shortcut).
std::vector<Cycle> find_await_cycles_exact(const TaskIndex& index);

// "ERROR: await-graph contains cycles - cannot print a tree!\n\ncycle: A → B → A\n..."
// Names come from the index (escaped), else hex(id).
std::string format_cycle_report(const std::vector<Cycle>& cycles, const TaskIndex& index);

// For the data views: the cycles of the index's await graph; when there are any, also the report
// in result.err and exit code 1, as the tree view gives.
std::vector<Cycle> report_await_cycles(const TaskIndex& index, TreeOutput& result);

}  // namespace aps::render
