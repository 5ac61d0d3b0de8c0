// Frame text of the pstree coroutine nodes (tools.py `_format_stack_entry`).
#include "render/frame_text.hpp"

#include "render/py_format.hpp"

namespace aps::render {

std::string frame_text(const Code& code, const Frame& frame) {
    std::string out;
    out.reserve(code.function.size() + code.file.size() + 13);
    out.append(code.function);
    if (frame.line == 0 && code.file.empty()) return out;
    out.push_back(' ');
    out.append(code.file);
    out.push_back(':');
    append_decimal(out, static_cast<int64_t>(frame.line));
    return out;
}

const Code& code_of(const Snapshot& snapshot, const Frame& frame) {
    static const Code kUnknown{"<unknown function>", "<unknown file>"};
    return frame.code < snapshot.codes.size() ? snapshot.codes[frame.code] : kUnknown;
}

}  // namespace aps::render
