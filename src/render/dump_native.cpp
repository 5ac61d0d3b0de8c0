// aps dump --native-frames' text: each held thread's native stack, innermost first, with its
// Python frames placed above the evaluation-loop frames that run them (native_merge). Its JSON
// is aps dump's (dump_json.cpp, native_json.cpp).
#include <fmt/format.h>

#include <string>

#include "aps/render.hpp"
#include "render/display_path.hpp"
#include "render/escape.hpp"
#include "render/native_merge.hpp"
#include "render/thread_lookup.hpp"

namespace aps {
namespace {

// The Python stack of thread `tid`, or none (a thread without a Python thread state).
std::span<const Frame> python_frames(const Snapshot& s, uint64_t tid) {
    const Thread* t = render::thread_with_stack(s, tid);
    return t != nullptr ? s.frames_of(t->stack.frames) : std::span<const Frame>{};
}

// "clock_nanosleep (libc.so.6)", or "?? (libfoo.so+0x1a2b)" for a frame without a symbol.
std::string native_text(const NativeFrame& f) {
    const std::string library = f.library.empty() ? "?" : render::escape_text(f.library);
    if (f.function.empty()) return fmt::format("?? ({}+{:#x})", library, f.offset);
    return fmt::format("{} ({})", render::escape_text(f.function), library);
}

void text_thread(const Snapshot& s, const DumpView& view, const NativeStack& stack,
                 std::string& out) {
    const std::span<const Frame> python = python_frames(s, stack.tid);
    out += fmt::format("Native stack of PID {}, thread {}{} (most recent call first):\n", view.pid,
                       stack.tid, python.empty() ? ", no Python frames" : "");
    std::size_t leftover = 0;
    const auto merged = render::merge_stacks(s, stack, python, leftover);
    std::size_t n = 0;
    std::size_t python_seen = 0;
    const std::size_t placed = python.size() - leftover;
    for (const render::MergedFrame& m : merged) {
        if (m.native != nullptr) {
            out += fmt::format("  #{:<3} {:#018x} {}\n", n++, m.native->pc, native_text(*m.native));
            continue;
        }
        if (python_seen++ == placed && leftover > 0) {
            out += "  (Python frames not placed: no evaluation-loop frame found for them)\n";
        }
        const Code& code = s.codes[m.python->code];
        if (code.kind != Code::Kind::Python) {
            out += fmt::format("        {}\n", render::escape_text(code.function));
            continue;
        }
        out += fmt::format("        File \"{}\", line {}, in {}\n",
                           render::escape_text(render::display_path(code.file, view.cwd)),
                           m.python->line, render::escape_text(code.function));
    }
    if (stack.cut) out += "  (frames cut: the unwinder's bound)\n";
    if (!stack.error.empty()) {
        out += fmt::format("  (unwinding ended: {})\n", render::escape_text(stack.error));
    }
}

}  // namespace

void render_native_dump(const Snapshot& snapshot, const DumpView& view, const OutputSink& sink) {
    bool first = true;
    for (const NativeStack& stack : snapshot.native_stacks) {
        // As for the Python stacks: without -a, each interpreter's main thread only.
        const Thread* python = render::thread_with_stack(snapshot, stack.tid);
        const bool main = python != nullptr && (python->stack.flags & kMainThread);
        if (view.stacks != DumpStacks::AllThreads && !main) continue;
        std::string out = first ? "" : "\n";
        first = false;
        text_thread(snapshot, view, stack, out);
        sink(out);
    }
}

}  // namespace aps
