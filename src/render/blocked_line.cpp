// aps watch's blocked-loop line (see blocked_line.hpp).
#include "render/blocked_line.hpp"

#include <fmt/format.h>

#include <span>
#include <string_view>

#include "render/escape.hpp"
#include "render/thread_lookup.hpp"

namespace aps::render {
namespace {

// Frames named on the line at most; a deeper hold ends in "<- ...".
constexpr std::size_t kMaxFramesShown = 4;

std::string_view base_name(std::string_view file) {
    const std::size_t slash = file.rfind('/');
    return slash == std::string_view::npos ? file : file.substr(slash + 1);
}

const Task* find_task(const Snapshot& s, uint64_t id) {
    for (const Interpreter& interp : s.interpreters) {
        for (const Thread& t : interp.threads) {
            for (const Task& task : t.tasks) {
                if (task.id == id) return &task;
            }
        }
    }
    return nullptr;
}

}  // namespace

std::string blocked_loop_text(const Snapshot& s, const ThreadLoop& loop) {
    std::string out = fmt::format("loop in thread {} blocked for {:.1f} s: ", loop.tid,
                                  loop.blocked_seconds < 0 ? 0.0 : loop.blocked_seconds);
    if (loop.state.kind == LoopState::Kind::InTask) {
        const Task* task = find_task(s, loop.state.task);
        out += "task ";
        out +=
            task != nullptr ? escape_text(s.name_of(*task)) : fmt::format("{:#x}", loop.state.task);
        out += ' ';
    }
    const Thread* thread = thread_with_stack(s, loop.tid);
    if (thread == nullptr) return out + "in code aps could not read";
    // The holding frames, and for a task its own coroutine frame after them.
    const std::span<const Frame> frames = s.frames_of(thread->stack.frames);
    std::size_t n = loop.state.calls + (loop.state.kind == LoopState::Kind::InTask ? 1 : 0);
    if (n == 0) n = 1;
    n = std::min(n, frames.size());
    std::size_t shown = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const Code& c = s.codes[frames[i].code];
        if (c.kind != Code::Kind::Python) continue;
        if (shown == kMaxFramesShown) {
            out += " <- ...";
            break;
        }
        out += shown == 0 ? "in " : " <- ";
        out += escape_text(c.function);
        out += fmt::format(" ({}:{})", escape_text(base_name(c.file)), frames[i].line);
        ++shown;
    }
    if (shown == 0) out += "in C code";
    if (!thread->stack.calling.empty()) out += ", inside " + escape_text(thread->stack.calling);
    return out;
}

}  // namespace aps::render
