// Reading a core's memory piece by piece: dumped bytes from the core, the rest from mapped files;
// see core_memory.hpp.
#include "read/core_memory.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace aps::read {
namespace {

Error not_in_core(uint64_t addr, size_t size) {
    return {Errc::ReadFailed,
            fmt::format("{:#x} ({} bytes) is not in the core's memory", addr, size)};
}

}  // namespace

Result<void> CoreMemory::read(uint64_t addr, std::span<std::byte> out) {
    if (out.empty()) return {};
    if (addr + out.size() < addr) return not_in_core(addr, out.size());
    size_t done = 0;
    while (done < out.size()) {
        uint64_t at = addr + done;
        uint64_t left = out.size() - done;
        if (uint64_t n = dumped_.dumped_run(at, left); n > 0) {
            if (auto ok = dumped_.read(at, out.subspan(done, n)); !ok) return ok;
            done += n;
            continue;
        }
        const CoreMapping* m = core_.mapping_at(at);
        if (m == nullptr) {
            if (core_.segment_at(at) != nullptr) {
                return Error{Errc::ReadFailed,
                             fmt::format("{:#x} ({} bytes) was not dumped in the core and no "
                                         "file backs it",
                                         addr, out.size())};
            }
            return not_in_core(addr, out.size());
        }
        // Up to the end of the mapping, or to where the core holds bytes again.
        uint64_t n = std::min(left, m->end - at);
        if (const CoreSegment* seg = core_.segment_at(at)) {
            n = std::min(n, seg->vaddr + seg->memsz - at);
        } else {
            auto next =
                std::upper_bound(core_.segments.begin(), core_.segments.end(), at,
                                 [](uint64_t a, const CoreSegment& s) { return a < s.vaddr; });
            if (next != core_.segments.end()) n = std::min(n, next->vaddr - at);
        }
        if (auto ok = files_.read(*m, at, out.subspan(done, n)); !ok) return ok;
        done += n;
    }
    return {};
}

}  // namespace aps::read
