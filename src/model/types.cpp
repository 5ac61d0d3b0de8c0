// Type objects: tp_flags and tp_name classification, cached per walk (see types.hpp).
#include "model/types.hpp"

#include <array>
#include <cstring>
#include <string_view>

#include "model/remote_object.hpp"

namespace aps::model {
namespace {

constexpr std::string_view kAsend = "async_generator_asend";
constexpr std::string_view kAthrow = "async_generator_athrow";
constexpr std::string_view kSetDummy = "<dummy key> type";  // _PySetDummy_Type in setobject.c
constexpr std::size_t kNameProbe = 24;                      // longest name above + NUL, rounded

// Up to kNameProbe bytes of the C string at addr, without its NUL; reads byte by byte when the
// block read runs off a mapping. Unreadable → empty (the type is then just "Other").
std::string read_type_name(RemoteMemory& memory, uint64_t addr) {
    std::array<std::byte, kNameProbe> buf{};
    std::size_t n = 0;
    if (memory.read(addr, buf)) {
        n = buf.size();
    } else {
        for (; n < buf.size(); ++n) {
            if (!memory.read(addr + n, std::span(buf).subspan(n, 1))) break;
            if (buf[n] == std::byte{0}) break;
        }
    }
    std::string name;
    for (std::size_t i = 0; i < n && buf[i] != std::byte{0}; ++i) {
        name.push_back(static_cast<char>(buf[i]));
    }
    return name;
}

}  // namespace

Result<TypeInfo> type_info(WalkContext& ctx, uint64_t type_addr) {
    if (auto it = ctx.types.find(type_addr); it != ctx.types.end()) return it->second;
    const auto& t = ctx.off.type_object;
    auto type = RemoteObject::read(ctx.memory, type_addr, t.size, "type object");
    if (!type) return std::move(type).error();
    TypeInfo info;
    info.flags = type->get<uint64_t>(t.tp_flags);
    if (uint64_t name_addr = type->get<uint64_t>(t.tp_name)) {
        std::string name = read_type_name(ctx.memory, name_addr);
        if (name == kAsend || name == kAthrow) info.kind = TypeInfo::Kind::AsyncGenWrapper;
        if (name == kSetDummy) info.kind = TypeInfo::Kind::SetDummy;
    }
    ctx.types.emplace(type_addr, info);
    return info;
}

Result<uint64_t> type_of(const WalkContext& ctx, RemoteMemory& memory, uint64_t addr) {
    if (addr == 0) return Error{Errc::CorruptData, "NULL object pointer"};
    auto t = read_ptr(memory, addr + ctx.off.pyobject.ob_type, "object type");
    if (!t) return std::move(t).error();
    if (*t == 0) return Error{Errc::CorruptData, "object at " + hex(addr) + " has no type"};
    return *t;
}

}  // namespace aps::model
