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

// With detail: the instruction's own Code (its opcode byte and columns), made once per
// (code object, instruction) from the code object's.
Result<Frame> site_frame(WalkContext& ctx, uint64_t code_addr, CodeInfo& code, uint64_t instr_ptr) {
    Frame frame;
    frame.code = code.index;
    if (auto it = code.sites.find(instr_ptr); it != code.sites.end()) {
        frame.code = it->second;
        frame.line = code.lines.at(instr_ptr);
        return frame;
    }
    Code site = ctx.snapshot.codes[code.index];
    site.end_line = Frame::kNoLine;
    const uint64_t code_start = code_addr + ctx.off.code_object.co_code_adaptive;
    if (code.has_table && instr_ptr >= code_start) {
        const uint64_t unit = (instr_ptr - code_start) / 2;  // _Py_CODEUNIT is 2 bytes
        if (auto at = location_for_instruction(code.linetable, code.firstlineno, unit)) {
            frame.line = at->line;
            site.end_line = at->end_line;
            site.column = at->column;
            site.end_column = at->end_column;
        }
    }
    // The opcode is the low byte of the instruction's code unit; one that cannot be read is
    // left out, as the reference leaves it out.
    std::byte op[1];
    if (instr_ptr != 0 && ctx.memory.read(instr_ptr, op)) {
        site.opcode = static_cast<int16_t>(std::to_integer<uint8_t>(op[0]));
    }
    ctx.string_bytes += site.function.size() + site.file.size();
    const auto index = static_cast<uint32_t>(ctx.snapshot.codes.size());
    ctx.snapshot.codes.push_back(std::move(site));
    code.sites.emplace(instr_ptr, index);
    code.lines.emplace(instr_ptr, frame.line);
    frame.code = index;
    return frame;
}

}  // namespace

Result<Frame> frame_for(WalkContext& ctx, uint64_t code_addr, uint64_t instr_ptr) {
    auto info = intern_code(ctx, code_addr);
    if (!info) return std::move(info).error();
    CodeInfo& code = **info;
    if (ctx.request.detail) return site_frame(ctx, code_addr, code, instr_ptr);
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
