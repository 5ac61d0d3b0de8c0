// Helpers shared by the model tests: compact text views of a Snapshot for assertions.
#pragma once

#include <fmt/format.h>

#include <string>

#include "aps/snapshot.hpp"

namespace aps::test {

// "sleep -> leaf": function names, innermost first, like ps's coroutine-stack column.
// `frames` is a slice of s.frames: a task's or an awaiter's.
inline std::string stack_names(const Snapshot& s, Slice frames) {
    std::string out;
    for (const auto& f : s.frames_of(frames)) {
        if (!out.empty()) out += " -> ";
        out += s.codes.at(f.code).function;
    }
    return out;
}

// "leaf prog.py:3" (or "leaf prog.py" without a line), innermost first, joined by " | ".
inline std::string stack_text(const Snapshot& s, Slice frames) {
    std::string out;
    for (const auto& f : s.frames_of(frames)) {
        if (!out.empty()) out += " | ";
        const auto& c = s.codes.at(f.code);
        out += fmt::format("{} {}", c.function, c.file);
        if (f.has_line()) out += fmt::format(":{}", f.line);
    }
    return out;
}

// The snapshot's problems, one per line: "0x… stack: why" ("stack (cut)" for a cut stack).
inline std::string problems_text(const Snapshot& s) {
    std::string out;
    for (const auto& p : s.problems) {
        const char* part = p.part == Problem::Part::Name    ? "name"
                           : p.part == Problem::Part::Stack ? "stack"
                                                            : "awaiters";
        out += fmt::format("{:#x} {}{}: {}\n", p.task, part, p.cut ? " (cut)" : "", p.what);
    }
    return out;
}

}  // namespace aps::test
