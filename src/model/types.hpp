// Type objects as the walker sees them: tp_flags and the few tp_name values that matter
// (async-generator wrappers, the set dummy), read once per type address and cached.
#pragma once

#include <cstdint>

#include "aps/error.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

inline constexpr uint64_t kTpFlagsLongSubclass = uint64_t{1} << 24;
inline constexpr uint64_t kTpFlagsUnicodeSubclass = uint64_t{1} << 28;

// The cached info of the type at type_addr (read on first use).
Result<TypeInfo> type_info(WalkContext& ctx, uint64_t type_addr);

// The ob_type of the object at addr (tag bits cleared), read through `memory`, or ctx.memory.
Result<uint64_t> type_of(const WalkContext& ctx, RemoteMemory& memory, uint64_t addr);
inline Result<uint64_t> type_of(WalkContext& ctx, uint64_t addr) {
    return type_of(ctx, ctx.memory, addr);
}

}  // namespace aps::model
