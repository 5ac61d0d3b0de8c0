// aps dump --native-frames, text and JSON: each held thread's native stack, innermost first,
// with its Python frames placed above the evaluation-loop frames that run them (native_merge).
#include <fmt/format.h>

#include <string>

#include "aps/render.hpp"
#include "render/display_path.hpp"
#include "render/escape.hpp"
#include "render/json_text.hpp"
#include "render/native_merge.hpp"

namespace aps {
namespace {

// The Python stack of thread `tid`, or none (a thread without a Python thread state).
std::span<const Frame> python_frames(const Snapshot& s, uint64_t tid) {
    for (const Interpreter& interp : s.interpreters) {
        for (const Thread& t : interp.threads) {
            if (t.tid == tid && t.stack.read) return s.frames_of(t.stack.frames);
        }
    }
    return {};
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

void json_thread(const Snapshot& s, const NativeStack& stack, std::string& out) {
    const std::span<const Frame> python = python_frames(s, stack.tid);
    std::size_t leftover = 0;
    const auto merged = render::merge_stacks(s, stack, python, leftover);
    out += fmt::format("{{\"thread_id\":{},\"frames\":[", stack.tid);
    bool first = true;
    for (const render::MergedFrame& m : merged) {
        if (!first) out += ',';
        first = false;
        if (m.native != nullptr) {
            out += fmt::format("{{\"kind\":\"native\",\"pc\":{},\"function\":", m.native->pc);
            if (m.native->function.empty()) {
                out += "null";
            } else {
                render::append_json_string(out, m.native->function);
            }
            out += ",\"library\":";
            render::append_json_string(out, m.native->library);
            out += fmt::format(",\"offset\":{}}}", m.native->offset);
            continue;
        }
        const Code& code = s.codes[m.python->code];
        out += "{\"kind\":";
        out += code.kind == Code::Kind::Python ? "\"python\"" : "\"marker\"";
        out += ",\"function\":";
        render::append_json_string(out, code.function);
        out += ",\"file\":";
        render::append_json_string(out, code.file);
        out += fmt::format(",\"line\":{}}}", m.python->line);
    }
    out += fmt::format("],\"python_frames_not_placed\":{},\"cut\":{},\"error\":", leftover,
                       stack.cut ? "true" : "false");
    if (stack.error.empty()) {
        out += "null";
    } else {
        render::append_json_string(out, stack.error);
    }
    out += '}';
}

}  // namespace

void render_native_dump(const Snapshot& snapshot, const DumpView& view, const OutputSink& sink) {
    for (std::size_t i = 0; i < snapshot.native_stacks.size(); ++i) {
        std::string out = i == 0 ? "" : "\n";
        text_thread(snapshot, view, snapshot.native_stacks[i], out);
        sink(out);
    }
}

void render_native_dump_json(const Snapshot& snapshot, const DumpView& view,
                             const OutputSink& sink) {
    std::string out = fmt::format(
        "{{\"target\":{{\"pid\":{}}},\"python_version\":\"{}.{}\","
        "\"native_stacks\":[",
        view.pid, snapshot.major, snapshot.minor);
    for (std::size_t i = 0; i < snapshot.native_stacks.size(); ++i) {
        if (i > 0) out += ',';
        json_thread(snapshot, snapshot.native_stacks[i], out);
        sink(out);
        out.clear();
    }
    out += "]}\n";
    sink(out);
}

}  // namespace aps
