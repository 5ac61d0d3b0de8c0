// aps dump's text: the reference's profiling.sampling dump without colour (see render.hpp,
// render_dump, and docs/design.md, "The dump view").
#include <fmt/format.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "aps/render.hpp"
#include "render/display_path.hpp"
#include "render/escape.hpp"
#include "render/task_stacks.hpp"

namespace aps {
namespace {

// Profiler modules the reference leaves out of every stack (its _INTERNAL_FRAME_SUFFIXES).
constexpr std::string_view kInternalSuffix = "_sync_coordinator.py";

// The file name of a frame that stands for no Python code (<native>, <GC>): the reference's "~".
constexpr std::string_view kNoFile = "~";

// The reference's colours (_colorize's ProfilerDump theme); all empty without colour.
struct Theme {
    std::string_view header, frame, filename, line_no, source, source_highlight, opcode, warning,
        reset;
};
constexpr Theme kColours{"\x1b[1;34m", "\x1b[1;32m", "\x1b[36m", "\x1b[33m", "\x1b[37m",
                         "\x1b[1;33m", "\x1b[90m",   "\x1b[33m", "\x1b[0m"};

// One stack to print: its header's facts and its entries, innermost first.
struct Section {
    int64_t interpreter = -1;  // -1: not said (a task stack)
    uint64_t tid = 0;
    const ThreadStack* thread = nullptr;  // a thread's stack, with its status
    uint64_t leaf = 0;                    // a task stack's leaf task
    std::vector<render::TaskStackEntry> entries;
};

bool is_internal(const Snapshot& s, const render::TaskStackEntry& e) {
    return e.frame != nullptr && s.codes[e.frame->code].file.ends_with(kInternalSuffix);
}

// Python's str.isspace for one code point (what str.lstrip removes).
bool is_py_space(uint32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// str.lstrip() of UTF-8 text.
std::string_view lstrip(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size()) {
        const auto b = static_cast<unsigned char>(line[i]);
        uint32_t cp = b;
        std::size_t len = 1;
        if (b >= 0x80) {
            len = render::decode_utf8_sequence(line, i, cp);
            if (len == 0) break;
        }
        if (!is_py_space(cp)) break;
        i += len;
    }
    return line.substr(i);
}

// The thread's status words ("main thread, has GIL, on CPU ..." or "idle"), the reference's
// _status_text: "idle" when the thread holds, wants and raises nothing and is known to be off CPU.
std::string status_text(const ThreadStack& t) {
    std::vector<std::string_view> words;
    if (t.flags & kMainThread) words.push_back("main thread");
    if (t.flags & kHasGil) words.push_back("has GIL");
    if (t.cpu == CpuState::Running) words.push_back("on CPU");
    if (t.flags & kGilRequested) words.push_back("waiting for GIL");
    if (t.flags & kHasException) words.push_back("has exception");
    const bool has_state = (t.flags & (kHasGil | kGilRequested | kHasException)) != 0;
    const bool unknown = t.cpu == CpuState::Unknown || t.cpu == CpuState::NotAsked;
    if (!has_state && !unknown && t.cpu != CpuState::Running) words.push_back("idle");
    return fmt::format("{}", fmt::join(words, ", "));
}

// The reference's _color: the text between the colour and a reset, or alone without colour.
void paint(std::string& out, std::string_view text, std::string_view colour,
           std::string_view reset) {
    if (colour.empty()) {
        out += text;
        return;
    }
    out += colour;
    out += text;
    out += reset;
}

// Code points of UTF-8 text (the text is the target's file, UTF-8 checked by SourceLines).
std::size_t code_points_of(std::string_view text) {
    std::size_t n = 0;
    for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

// The byte where code point `index` starts (the end past the last).
std::size_t byte_of(std::string_view text, std::size_t index) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
        if (seen == index) return i;
        ++seen;
    }
    return text.size();
}

// traceback._byte_offset_to_character_offset: the code points of the first `offset` bytes, a
// sequence cut short counting as one, as its lead byte (what errors="replace" makes of it).
std::size_t char_offset(std::string_view line, int offset) {
    return code_points_of(line.substr(0, std::min<std::size_t>(offset, line.size())));
}

class DumpWriter {
  public:
    DumpWriter(const Snapshot& s, const DumpView& v, const OutputSink& sink)
        : s_(s), v_(v), sink_(sink), t_(v.colour ? kColours : Theme{}) {}

    void section(const Section& sec, bool first, bool show_interpreter) {
        if (!first) out_ += '\n';
        std::string subject = "Stack dump";
        if (first) subject += fmt::format(" for PID {}", v_.pid);
        subject += fmt::format(", thread {}", sec.tid);
        std::vector<std::string> details;
        if (show_interpreter && sec.interpreter >= 0) {
            details.push_back(fmt::format("interpreter {}", sec.interpreter));
        }
        if (sec.thread == nullptr) details.push_back(fmt::format("task {}", sec.leaf));
        if (sec.thread != nullptr) {
            if (std::string status = status_text(*sec.thread); !status.empty()) {
                details.push_back(std::move(status));
            }
        }
        details.push_back("most recent call last");
        paint(out_, fmt::format("{} ({}):", subject, fmt::join(details, "; ")), t_.header,
              t_.reset);
        out_ += '\n';
        if (sec.entries.empty()) {
            paint(out_, "No Python frames", t_.warning, t_.reset);
            out_ += '\n';
        } else {
            for (auto it = sec.entries.rbegin(); it != sec.entries.rend(); ++it) entry(*it);
        }
        flush(false);
    }

    void warning(std::string_view t) {
        paint(out_, t, t_.warning, t_.reset);
        out_ += '\n';
    }
    void flush(bool all) {
        if (all || out_.size() >= kOutputChunk) {
            if (!out_.empty()) sink_(out_);
            out_.clear();
        }
    }

  private:
    void entry(const render::TaskStackEntry& e) {
        if (e.task != nullptr) {
            // A task of an async stack: the reference's ("<task>", None, name) frame.
            std::string name = render::escape_text(s_.name_of(*e.task));
            if (e.parents > 1) name += fmt::format(" ({} parents)", e.parents);
            out_ += "  File ";
            paint(out_, "\"<task>\"", t_.filename, t_.reset);
            out_ += ", in ";
            paint(out_, name, t_.frame, t_.reset);
            out_ += '\n';
            return;
        }
        const Frame& f = *e.frame;
        const Code& code = s_.codes[f.code];
        const std::string qualname = render::escape_text(code.function);
        const bool python = code.kind == Code::Kind::Python;
        const std::string_view file = python ? std::string_view(code.file) : kNoFile;
        const int line = python ? f.line : 0;
        std::string shown;
        if (!(file == kNoFile && line == 0)) shown = render::display_path(file, v_.cwd);
        if (!shown.empty()) {
            out_ += "  File ";
            paint(out_, fmt::format("\"{}\"", render::escape_text(shown)), t_.filename, t_.reset);
            if (line > 0) {
                out_ += ", line ";
                paint(out_, std::to_string(line), t_.line_no, t_.reset);
            }
            out_ += ", in ";
        } else {
            out_ += "  ";
        }
        paint(out_, qualname, t_.frame, t_.reset);
        if (v_.opcodes && python && code.opcode != Code::kNoOpcode &&
            static_cast<std::size_t>(code.opcode) < s_.opcode_names.size()) {
            out_ += "  ";
            paint(out_,
                  fmt::format("opcode={}", s_.opcode_names[static_cast<std::size_t>(code.opcode)]),
                  t_.opcode, t_.reset);
        }
        out_ += '\n';
        if (python && line > 0 && file != kNoFile && v_.source_line) {
            source(code, line, v_.source_line(code.file, line));
        }
    }

    // The source line under a frame: its leading whitespace removed and, with colour, the
    // instruction's columns highlighted (the reference's _source_offsets, _trim_source_line and
    // _highlight_source_line).
    void source(const Code& code, int line, std::string_view text) {
        const std::string_view stripped = lstrip(text);
        if (stripped.empty()) return;
        out_ += "    ";
        if (t_.source.empty()) {
            render::append_escaped(out_, stripped);
            out_ += '\n';
            return;
        }
        // The columns, in code points of the whole line, then of the stripped one.
        bool has = false;
        std::size_t start = 0, end = 0;
        const int end_line = code.end_line == Frame::kNoLine ? line : code.end_line;
        if (code.column >= 0 && code.end_column >= 0 && end_line >= line) {
            start = char_offset(text, code.column);
            end = end_line == line ? char_offset(text, code.end_column) : code_points_of(text);
            has = end > start;
        }
        const std::string escaped_all = render::escape_text(stripped);
        if (!has) {
            paint(out_, escaped_all, t_.source, t_.reset);
            out_ += '\n';
            return;
        }
        const std::size_t leading = code_points_of(text) - code_points_of(stripped);
        const std::size_t n = code_points_of(stripped);
        start = start > leading ? start - leading : 0;
        end = std::max(end > leading ? end - leading : 0, start + 1);
        end = std::min(end, n);
        const std::size_t a = byte_of(stripped, start), b = byte_of(stripped, end);
        if (b <= a) {
            paint(out_, escaped_all, t_.source, t_.reset);
            out_ += '\n';
            return;
        }
        if (a > 0) paint(out_, render::escape_text(stripped.substr(0, a)), t_.source, t_.reset);
        paint(out_, render::escape_text(stripped.substr(a, b - a)), t_.source_highlight, t_.reset);
        if (b < stripped.size()) {
            paint(out_, render::escape_text(stripped.substr(b)), t_.source, t_.reset);
        }
        out_ += '\n';
    }

    const Snapshot& s_;
    const DumpView& v_;
    const OutputSink& sink_;
    const Theme t_;
    std::string out_;
};

void drop_internal(const Snapshot& s, std::vector<render::TaskStackEntry>& entries) {
    std::erase_if(entries, [&](const render::TaskStackEntry& e) { return is_internal(s, e); });
}

// Without -a: the process's main thread, the main interpreter's (the reference shows the newest
// subinterpreter's instead, a README difference). With -a: every thread of every interpreter in
// the reference's order, the interpreters newest first (the snapshot has the main one first,
// then the others oldest first: the list's order reversed).
std::vector<Section> thread_sections(const Snapshot& s, bool all_threads) {
    std::vector<Section> out;
    const std::size_t shown =
        all_threads ? s.interpreters.size() : std::min<std::size_t>(1, s.interpreters.size());
    for (std::size_t k = 0; k < shown; ++k) {
        const Interpreter& interp =
            all_threads ? s.interpreters[s.interpreters.size() - 1 - k] : s.interpreters[k];
        for (const Thread& thread : interp.threads) {
            const ThreadStack& st = thread.stack;
            if (!st.read) continue;
            if (!all_threads && !(st.flags & kMainThread)) continue;
            Section sec;
            sec.interpreter = interp.id;
            sec.tid = thread.tid;
            sec.thread = &st;
            for (const Frame& f : s.frames_of(st.frames)) sec.entries.push_back({&f, nullptr, 0});
            drop_internal(s, sec.entries);
            out.push_back(std::move(sec));
        }
    }
    return out;
}

std::vector<Section> task_sections(const Snapshot& s, bool running) {
    std::vector<Section> out;
    for (render::TaskStack& stack :
         running ? render::running_task_stacks(s) : render::all_task_stacks(s)) {
        Section sec;
        sec.tid = stack.tid;
        sec.leaf = stack.leaf;
        sec.entries = std::move(stack.entries);
        drop_internal(s, sec.entries);
        if (!sec.entries.empty()) out.push_back(std::move(sec));
    }
    return out;
}

}  // namespace

void render_dump(const Snapshot& snapshot, const DumpView& view, const OutputSink& sink) {
    std::vector<Section> sections;
    switch (view.stacks) {
        case DumpStacks::MainThreads:
        case DumpStacks::AllThreads:
            sections = thread_sections(snapshot, view.stacks == DumpStacks::AllThreads);
            break;
        case DumpStacks::AllTasks:
        case DumpStacks::RunningTasks:
            sections = task_sections(snapshot, view.stacks == DumpStacks::RunningTasks);
            break;
    }
    DumpWriter writer(snapshot, view, sink);
    if (sections.empty()) {
        writer.warning(fmt::format("No Python stacks found for PID {}", view.pid));
        writer.flush(true);
        return;
    }
    std::set<int64_t> interpreters;
    for (const Section& sec : sections) {
        if (sec.interpreter >= 0) interpreters.insert(sec.interpreter);
    }
    const bool show_interpreter = interpreters.size() > 1;
    for (std::size_t i = 0; i < sections.size(); ++i) {
        writer.section(sections[i], i == 0, show_interpreter);
    }
    writer.flush(true);
}

}  // namespace aps
