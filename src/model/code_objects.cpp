// Code objects and frame lines (see code_objects.hpp and docs/design.md, "Code objects and lines").
#include "model/code_objects.hpp"

#include <fmt/format.h>

#include "model/linetable.hpp"
#include "model/remote_object.hpp"
#include "model/strings.hpp"

namespace aps::model {
namespace {

Result<CodeInfo*> intern_code(WalkContext& ctx, uint64_t code_addr) {
    if (auto it = ctx.codes.find(code_addr); it != ctx.codes.end()) return &it->second;
    const auto& c = ctx.off.code_object;
    auto code = RemoteObject::read(ctx.memory, code_addr, c.size, "code object");
    if (!code) return std::move(code).error();
    auto context = [&](Error e) { return reading_error(std::move(e), "code object", code_addr); };

    Code entry;
    auto qualname =
        read_str(ctx.memory, ctx.off, code->ptr(c.qualname), ctx.limits.max_string_code_points);
    if (!qualname) return context(with_context(std::move(qualname).error(), "co_qualname"));
    entry.function = std::move(*qualname);
    auto filename =
        read_str(ctx.memory, ctx.off, code->ptr(c.filename), ctx.limits.max_string_code_points);
    if (!filename) return context(with_context(std::move(filename).error(), "co_filename"));
    entry.file = std::move(*filename);

    CodeInfo info;
    info.firstlineno = code->get<int32_t>(c.firstlineno);
    // An unreadable or implausibly large location table costs the line, not the frame.
    if (uint64_t table_addr = code->ptr(c.linetable)) {
        auto table = read_bytes(ctx.memory, ctx.off, table_addr, ctx.limits.max_linetable_bytes);
        if (table && table->has_value()) {
            info.linetable = std::move(**table);
            info.has_table = true;
        }
    }
    info.index = static_cast<uint32_t>(ctx.snapshot.codes.size());
    ctx.string_bytes += entry.function.size() + entry.file.size();
    ctx.snapshot.codes.push_back(std::move(entry));
    return &ctx.codes.emplace(code_addr, std::move(info)).first->second;
}

}  // namespace

Result<Frame> frame_for(WalkContext& ctx, uint64_t code_addr, uint64_t instr_ptr) {
    auto info = intern_code(ctx, code_addr);
    if (!info) return std::move(info).error();
    CodeInfo& code = **info;
    Frame frame;
    frame.code = code.index;
    if (auto it = code.lines.find(instr_ptr); it != code.lines.end()) {
        frame.line = it->second;
        return frame;
    }
    uint64_t code_start = code_addr + ctx.off.code_object.co_code_adaptive;
    if (code.has_table && instr_ptr >= code_start) {
        uint64_t unit = (instr_ptr - code_start) / 2;  // _Py_CODEUNIT is 2 bytes
        if (auto line = line_for_instruction(code.linetable, code.firstlineno, unit)) {
            frame.line = *line;
        }
    }
    code.lines.emplace(instr_ptr, frame.line);
    return frame;
}

}  // namespace aps::model
