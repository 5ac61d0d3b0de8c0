// The last resort for finding _PyRuntime when no mapped python file can be opened (deleted,
// replaced, or in an unreachable mount namespace): scan the target's memory for the cookie.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "aps/error.hpp"
#include "aps/memory.hpp"
#include "read/proc_maps.hpp"

namespace aps::read {

// Scans the readable, writable mappings among `regions` at 32-byte alignment (the section's
// alignment) for a _Py_DebugOffsets table that parse_debug_offsets accepts, and returns its
// address. Empty when there is none; PermissionDenied and NoSuchProcess are returned as errors,
// unreadable regions are skipped. At most `max_bytes` are read in all.
Result<std::optional<uint64_t>> scan_for_debug_offsets(RemoteMemory& memory,
                                                       std::span<const MapEntry> regions,
                                                       uint64_t max_bytes = 256u << 20);

}  // namespace aps::read
