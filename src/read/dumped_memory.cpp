// Reading the bytes a core holds; see dumped_memory.hpp.
#include "read/dumped_memory.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace aps::read {

uint64_t DumpedMemory::dumped_run(uint64_t addr, uint64_t max) const {
    const CoreSegment* seg = core_.segment_at(addr);
    if (seg == nullptr) return 0;
    uint64_t off = addr - seg->vaddr;
    if (off >= seg->filesz) return 0;
    return std::min(seg->filesz - off, max);
}

Result<void> DumpedMemory::read(uint64_t addr, std::span<std::byte> out) {
    size_t done = 0;
    while (done < out.size()) {
        uint64_t at = addr + done;
        uint64_t n = dumped_run(at, out.size() - done);
        if (n == 0)
            return Error{Errc::ReadFailed,
                         fmt::format("{:#x} ({} bytes) is not in the core file", addr, out.size())};
        const CoreSegment& seg = *core_.segment_at(at);
        uint64_t file_at = seg.offset + (at - seg.vaddr);
        if (file_at >= core_.size || core_.size - file_at < n) {
            return Error{Errc::BadCore,
                         fmt::format("core file {} is truncated: memory at {:#x} would be at "
                                     "offset {:#x}, past its end ({} bytes)",
                                     core_.name, at, file_at + n, core_.size)};
        }
        ssize_t got = ::pread(fd_, out.data() + done, n, static_cast<off_t>(file_at));
        if (got != static_cast<ssize_t>(n)) {
            return Error{
                Errc::BadCore,
                fmt::format("core file {}: reading {} bytes at offset {:#x}: {}", core_.name, n,
                            file_at, got < 0 ? std::strerror(errno) : "short read")};
        }
        done += n;
    }
    return {};
}

}  // namespace aps::read
