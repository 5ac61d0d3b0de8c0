// Copy-then-view access to remote objects (see remote_object.hpp).
#include "model/remote_object.hpp"

#include <fmt/format.h>

namespace aps::model {

std::string hex(uint64_t value) {
    return fmt::format("{:#x}", value);
}

Error reading_error(Error e, std::string_view what, uint64_t addr) {
    return with_context(std::move(e), fmt::format("reading {} at {:#x}", what, addr));
}

Result<RemoteObject> RemoteObject::read(RemoteMemory& memory, uint64_t addr, uint64_t size,
                                        std::string_view what) {
    if (addr == 0) return Error{Errc::CorruptData, fmt::format("NULL {} pointer", what)};
    if (size == 0 || size > kMaxObjectBytes) {
        return Error{Errc::CorruptData, fmt::format("implausible size {} for {}", size, what)};
    }
    RemoteObject object(addr, size);
    if (auto r = memory.read(addr, object.storage()); !r) {
        return reading_error(std::move(r).error(), what, addr);
    }
    return object;
}

Result<uint64_t> read_ptr(RemoteMemory& memory, uint64_t addr, std::string_view what) {
    auto v = read_value<uint64_t>(memory, addr, what);
    if (!v) return std::move(v).error();
    return untag(*v);
}

}  // namespace aps::model
