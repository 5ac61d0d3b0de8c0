// Type objects as the walker sees them: tp_flags, tp_name, and what kind of object the interpreter
// makes of that type (a native coroutine, a generator, an async-generator step, the set dummy...),
// read once per type address and cached.
#pragma once

#include <cstdint>
#include <string>

#include "aps/error.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

inline constexpr uint64_t kTpFlagsHeapType = uint64_t{1} << 9;
inline constexpr uint64_t kTpFlagsLongSubclass = uint64_t{1} << 24;
inline constexpr uint64_t kTpFlagsUnicodeSubclass = uint64_t{1} << 28;

// Type names are kept up to this many bytes (a class name longer than this is cut).
inline constexpr std::size_t kMaxTypeName = 256;

// Up to kMaxTypeName bytes of the C string at addr (a tp_name, a method's ml_name), without its
// NUL. Unreadable → empty (a type is then just Other, with no name).
std::string read_c_string(RemoteMemory& memory, uint64_t addr);

// The cached info of the type at type_addr (read on first use; the pointer stays valid for the
// walk). A type is of a native kind only
// when it is one of the interpreter's own: named as CPython names it, a static type (not a heap
// type: a Python class can take any name) and, where the walk knows where the runtime's file is
// mapped, inside it (a Cython module defines static types named "coroutine" and
// "async_generator_asend" too, with other layouts).
Result<const TypeInfo*> type_info(WalkContext& ctx, uint64_t type_addr);

// The ob_type of the object at addr (tag bits cleared), read through `memory`, or ctx.memory.
Result<uint64_t> type_of(const WalkContext& ctx, RemoteMemory& memory, uint64_t addr);
inline Result<uint64_t> type_of(WalkContext& ctx, uint64_t addr) {
    return type_of(ctx, ctx.memory, addr);
}

// The index in ctx.snapshot.type_names of the type at type_addr's name (interned on first use).
Result<uint32_t> intern_type_name(WalkContext& ctx, uint64_t type_addr);

}  // namespace aps::model
