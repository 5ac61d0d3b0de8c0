// The stderr lines and exit status of a partial snapshot (see problem_report.hpp).
#include "cli/problem_report.hpp"

#include <fmt/format.h>

#include <unordered_map>

#include "cli/exit_status.hpp"
#include "render/escape.hpp"
#include "render/name_cut.hpp"

namespace aps {
namespace {

std::string_view part_text(const Problem& p) {
    switch (p.part) {
        case Problem::Part::Name:
            return "its name could not be read";
        case Problem::Part::Stack:
            return p.cut ? "its coroutine stack is cut" : "its coroutine stack could not be read";
        case Problem::Part::Awaiters:
            return "its awaiters could not be read";
        case Problem::Part::ThreadStack:
            return p.cut ? "its stack is cut" : "its stack could not be read";
    }
    return "it could not be read";
}

}  // namespace

std::string describe_problems(const Snapshot& snapshot) {
    const std::size_t total = snapshot.problems.size() + snapshot.problems_left_out;
    if (total == 0) return {};
    const std::size_t shown = std::min(snapshot.problems.size(), kProblemLines);
    // The names of the tasks shown (one pass over the tasks, whatever their number).
    std::unordered_map<uint64_t, const Task*> named;
    for (std::size_t i = 0; i < shown; ++i) named.emplace(snapshot.problems[i].task, nullptr);
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                if (auto it = named.find(task.id); it != named.end()) it->second = &task;
            }
        }
    }
    std::string out;
    for (std::size_t i = 0; i < shown; ++i) {
        const Problem& p = snapshot.problems[i];
        if (p.part == Problem::Part::ThreadStack) {  // p.task is the thread's id
            out += fmt::format("aps: thread {}: {}: {}\n", p.task, part_text(p),
                               render::escape_text(p.what));
            continue;
        }
        const Task* task = named[p.task];
        std::string who = fmt::format("task {:#x}", p.task);
        if (task != nullptr && !(task->marks & kNameUnreadable)) {
            who +=
                " (" + render::escape_text(render::reference_name(snapshot.name_of(*task))) + ")";
        }
        out += fmt::format("aps: {}: {}: {}\n", who, part_text(p), render::escape_text(p.what));
    }
    if (total > shown) {
        out += fmt::format("aps: and {} more like {} (--format json lists {})\n", total - shown,
                           shown == 1 ? "this" : "these",
                           snapshot.problems_left_out == 0 ? "them all" : "the first 10,000");
    }
    return out;
}

int status_with_problems(const Snapshot& snapshot, int status) {
    // Output that could not be written at all says more than what it would have held.
    if (status == kExitWriteError) return status;
    return snapshot.problems.empty() && snapshot.problems_left_out == 0 ? status : kExitPartial;
}

}  // namespace aps
