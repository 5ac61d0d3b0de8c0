// A native stack as JSON (see native_json.hpp).
#include "render/native_json.hpp"

#include <fmt/format.h>

#include "render/json_text.hpp"
#include "render/native_merge.hpp"

namespace aps::render {

void append_native_json(std::string& out, const Snapshot& s, const NativeStack& stack,
                        std::span<const Frame> python) {
    std::size_t leftover = 0;
    const auto merged = merge_stacks(s, stack, python, leftover);
    out += "{\"frames\":[";
    bool first = true;
    for (const MergedFrame& m : merged) {
        if (!first) out += ',';
        first = false;
        if (m.native != nullptr) {
            out += fmt::format("{{\"kind\":\"native\",\"pc\":{},\"function\":", m.native->pc);
            if (m.native->function.empty()) {
                out += "null";
            } else {
                append_json_string(out, m.native->function);
            }
            out += ",\"library\":";
            append_json_string(out, m.native->library);
            out += fmt::format(",\"offset\":{}}}", m.native->offset);
            continue;
        }
        const Code& code = s.codes[m.python->code];
        out += "{\"kind\":";
        out += code.kind == Code::Kind::Python ? "\"python\"" : "\"marker\"";
        out += ",\"function\":";
        append_json_string(out, code.function);
        out += ",\"file\":";
        append_json_string(out, code.file);
        out += fmt::format(",\"line\":{}}}", m.python->line);
    }
    out += fmt::format("],\"python_frames_not_placed\":{},\"cut\":{},\"error\":", leftover,
                       stack.cut ? "true" : "false");
    if (stack.error.empty()) {
        out += "null";
    } else {
        append_json_string(out, stack.error);
    }
    out += '}';
}

}  // namespace aps::render
