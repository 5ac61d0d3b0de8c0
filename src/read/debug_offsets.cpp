// STUB — replaced by the read-layer work.
#include "aps/offsets.hpp"
namespace aps {
Result<DebugOffsets> parse_debug_offsets(std::span<const std::byte>) {
    return Error{Errc::NotPython, "not implemented"};
}
Result<AsyncioOffsets> parse_asyncio_offsets(std::span<const std::byte>, const DebugOffsets&) {
    return Error{Errc::NotPython, "not implemented"};
}
}  // namespace aps
