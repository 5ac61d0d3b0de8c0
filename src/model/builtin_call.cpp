// The built-in a frame is calling (see builtin_call.hpp, and docs/design.md, "Thread stacks").
#include "model/builtin_call.hpp"

#include <array>
#include <utility>

#include "model/strings.hpp"
#include "model/types.hpp"

namespace aps::model {
namespace {

// A frame's evaluation stack lies inside the frame, after its locals: a stack pointer further
// than this from the frame's start is garbage.
constexpr uint64_t kMaxStackBytes = uint64_t{1} << 20;
// Module names are cut like type names.
constexpr uint64_t kMaxModuleName = kMaxTypeName;

// One _Py_CODEUNIT: the opcode byte, then its argument byte.
struct CodeUnit {
    uint8_t opcode = 0;
    uint8_t arg = 0;
};

Result<CodeUnit> read_unit(RemoteMemory& memory, uint64_t addr) {
    auto v = read_value<std::array<uint8_t, 2>>(memory, addr, "instruction");
    if (!v) return std::move(v).error();
    return CodeUnit{(*v)[0], (*v)[1]};
}

// The tp_name of the type of the object at addr, or empty.
std::string type_name_of(WalkContext& ctx, RemoteMemory& memory, uint64_t addr) {
    auto type = type_of(ctx, memory, addr);
    if (!type) return {};
    auto info = type_info(ctx, *type);
    return info ? (*info)->name : std::string{};
}

// The C name of the function of the PyMethodDef at method_def, or empty.
std::string method_name(const WalkContext& ctx, RemoteMemory& memory, uint64_t method_def) {
    if (method_def == 0) return {};
    auto name = read_value<uint64_t>(memory, method_def + ctx.off.calls.ml_name, "method name");
    if (!name || *name == 0) return {};
    return read_c_string(memory, *name);
}

// "module.name" for a built-in function: its module's name (m_module, a str), else the type of
// the object it is bound to (m_self: sock.recv taken as a value is bound to the socket).
std::string c_function_name(WalkContext& ctx, RemoteMemory& memory, uint64_t fn) {
    const auto& c = ctx.off.calls;
    auto obj = RemoteObject::read(memory, fn, c.m_module + 8, "built-in function");
    if (!obj) return {};
    std::string name = method_name(ctx, memory, obj->get<uint64_t>(c.m_ml));
    if (name.empty()) return {};
    std::string owner;
    if (const uint64_t module = obj->ptr(c.m_module); module != 0) {
        if (auto type = type_of(ctx, memory, module)) {
            auto info = type_info(ctx, *type);
            if (info && ((*info)->flags & kTpFlagsUnicodeSubclass)) {
                auto text = read_str(memory, ctx.off, module, kMaxModuleName);
                if (text) owner = std::move(*text);
            }
        }
    }
    if (owner.empty()) {
        if (const uint64_t self = obj->ptr(c.m_self); self != 0) {
            owner = type_name_of(ctx, memory, self);
            if (owner == "module") owner.clear();  // a module's function with no module name
        }
    }
    return owner.empty() ? name : owner + "." + name;
}

// "type.name" for a C type's method.
std::string method_descriptor_name(WalkContext& ctx, RemoteMemory& memory, uint64_t descr) {
    const auto& c = ctx.off.calls;
    auto obj = RemoteObject::read(memory, descr, c.d_method + 8, "method descriptor");
    if (!obj) return {};
    std::string name = method_name(ctx, memory, obj->get<uint64_t>(c.d_method));
    if (name.empty()) return {};
    std::string owner;
    if (const uint64_t type = obj->get<uint64_t>(c.d_type); type != 0) {
        auto info = type_info(ctx, type);
        if (info) owner = (*info)->name;
    }
    return owner.empty() ? name : owner + "." + name;
}

}  // namespace

std::string builtin_call(WalkContext& ctx, RemoteMemory& memory, const RemoteObject& frame,
                         uint64_t code) {
    const auto& fr = ctx.off.interpreter_frame;
    const auto& c = ctx.off.calls;
    const uint64_t instr = frame.get<uint64_t>(fr.instr_ptr);
    const uint64_t first = code + ctx.off.code_object.co_code_adaptive;
    if (instr < first || instr % 2 != 0) return {};
    auto unit = read_unit(memory, instr);
    if (!unit) return {};
    const auto where = c.callable[unit->opcode];
    if (where.slots == 0) return {};
    uint64_t oparg = unit->arg;
    if (where.plus_arg && instr >= first + 2) {
        if (auto before = read_unit(memory, instr - 2);
            before && c.extended_arg >= 0 && before->opcode == c.extended_arg) {
            oparg |= uint64_t{before->arg} << 8;
        }
    }
    // The stack pointer, saved at the call, is past the call's inputs; they lie in the frame.
    const uint64_t sp = frame.get<uint64_t>(fr.stackpointer);
    const uint64_t below = 8 * (where.slots + (where.plus_arg ? oparg : 0));
    if (sp < frame.address() || sp - frame.address() > kMaxStackBytes ||
        sp - frame.address() < below) {
        return {};
    }
    auto callable = read_ptr(memory, sp - below, "callable");
    if (!callable || *callable == 0) return {};
    auto type = type_of(ctx, memory, *callable);
    if (!type) return {};
    auto info = type_info(ctx, *type);
    if (!info) return {};
    switch ((*info)->kind) {
        case TypeInfo::Kind::CFunction:
            return c_function_name(ctx, memory, *callable);
        case TypeInfo::Kind::MethodDescriptor:
            return method_descriptor_name(ctx, memory, *callable);
        default:
            return {};
    }
}

}  // namespace aps::model
