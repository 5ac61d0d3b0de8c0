// Type objects: tp_flags, tp_name and their kind, cached per walk (see types.hpp).
#include "model/types.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>
#include <utility>

#include "model/remote_object.hpp"

namespace aps::model {
namespace {

// The interpreter's names for the types it treats apart (Objects/genobject.c, setobject.c).
// aclose() and athrow() both make an async_generator_athrow; __anext__() an asend.
constexpr std::pair<std::string_view, TypeInfo::Kind> kNativeKinds[] = {
    {"coroutine", TypeInfo::Kind::Coroutine},
    {"generator", TypeInfo::Kind::Generator},
    {"async_generator", TypeInfo::Kind::AsyncGenerator},
    {"async_generator_asend", TypeInfo::Kind::AsyncGenStep},
    {"async_generator_athrow", TypeInfo::Kind::AsyncGenStep},
    {"<dummy key> type", TypeInfo::Kind::SetDummy},  // _PySetDummy_Type
    {"code", TypeInfo::Kind::Code},                  // PyCode_Type
    // Objects/methodobject.c (PyCFunction_Type, PyCMethod_Type) and descrobject.c.
    {"builtin_function_or_method", TypeInfo::Kind::CFunction},
    {"builtin_method", TypeInfo::Kind::CFunction},
    {"method_descriptor", TypeInfo::Kind::MethodDescriptor},
    {"classmethod_descriptor", TypeInfo::Kind::MethodDescriptor},
};

// Type names are read a page-bounded piece at a time: a name near the end of a mapping must not
// fail for the bytes after it.
constexpr uint64_t kPage = 4096;

}  // namespace

std::string read_c_string(RemoteMemory& memory, uint64_t addr) {
    std::string name;
    std::array<std::byte, kMaxTypeName> buf{};
    while (name.size() < kMaxTypeName) {
        const uint64_t at = addr + name.size();
        if (at < addr) break;  // wrapped around
        const std::size_t want = static_cast<std::size_t>(
            std::min<uint64_t>(kMaxTypeName - name.size(), kPage - at % kPage));
        std::size_t got = want;
        if (!memory.read(at, std::span(buf).first(want))) {
            // A source whose readable ranges end inside a page (a core's segment): byte by byte.
            for (got = 0; got < want && memory.read(at + got, std::span(buf).subspan(got, 1));) {
                if (buf[got++] == std::byte{0}) break;
            }
            if (got == 0) break;
        }
        for (std::size_t i = 0; i < got; ++i) {
            if (buf[i] == std::byte{0}) return name;
            name.push_back(static_cast<char>(buf[i]));
        }
        if (got < want) break;
    }
    return name;
}

namespace {

bool in_runtime_image(const WalkContext& ctx, uint64_t addr) {
    if (ctx.runtime_image.empty()) return true;
    return std::any_of(ctx.runtime_image.begin(), ctx.runtime_image.end(),
                       [addr](const AddressRange& r) { return r.contains(addr); });
}

}  // namespace

Result<const TypeInfo*> type_info(WalkContext& ctx, uint64_t type_addr) {
    if (auto it = ctx.types.find(type_addr); it != ctx.types.end()) return &it->second;
    const auto& t = ctx.off.type_object;
    auto type = RemoteObject::read(ctx.memory, type_addr, t.size, "type object");
    if (!type) return std::move(type).error();
    TypeInfo info;
    info.flags = type->get<uint64_t>(t.tp_flags);
    if (uint64_t name_addr = type->get<uint64_t>(t.tp_name)) {
        info.name = read_c_string(ctx.memory, name_addr);
    }
    if (!(info.flags & kTpFlagsHeapType) && in_runtime_image(ctx, type_addr)) {
        for (const auto& [name, kind] : kNativeKinds) {
            if (info.name == name) info.kind = kind;
        }
    }
    return &ctx.types.emplace(type_addr, std::move(info)).first->second;
}

Result<uint64_t> type_of(const WalkContext& ctx, RemoteMemory& memory, uint64_t addr) {
    if (addr == 0) return Error{Errc::CorruptData, "NULL object pointer"};
    auto t = read_ptr(memory, addr + ctx.off.pyobject.ob_type, "object type");
    if (!t) return std::move(t).error();
    if (*t == 0) return Error{Errc::CorruptData, "object at " + hex(addr) + " has no type"};
    return *t;
}

Result<uint32_t> intern_type_name(WalkContext& ctx, uint64_t type_addr) {
    if (auto info = type_info(ctx, type_addr); !info) return std::move(info).error();
    TypeInfo& info = ctx.types.at(type_addr);
    if (info.interned == TypeInfo::kNotInterned) {
        info.interned = static_cast<uint32_t>(ctx.snapshot.type_names.size());
        ctx.snapshot.type_names.push_back(info.name);
    }
    return info.interned;
}

}  // namespace aps::model
