// The seam between aps and a target's address space: a live process, a core file or a fake image
// in tests all implement RemoteMemory, and nothing above the read layer knows which one it has.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "aps/error.hpp"

namespace aps {

// [start, end) of the target's address space.
struct AddressRange {
    uint64_t start = 0;
    uint64_t end = 0;
    bool contains(uint64_t addr) const { return addr >= start && addr < end; }
};

class RemoteMemory {
  public:
    virtual ~RemoteMemory() = default;

    // Copies exactly out.size() bytes starting at the remote address addr. A read that cannot be
    // completed fails as a whole (ReadFailed for unmapped memory, NoSuchProcess when the target
    // is gone, PermissionDenied when the kernel refuses); `out` is then unspecified.
    virtual Result<void> read(uint64_t addr, std::span<std::byte> out) = 0;

    // Copies the bytes of [addr, addr + out.size()) from the start up to the first 4 KiB page
    // that cannot be read, and returns how many that is (0 to out.size()): what fills most of a
    // cache's block whose middle page the target cannot read. This default reads the whole, else
    // page by page up to the first page that fails.
    virtual std::size_t read_prefix(uint64_t addr, std::span<std::byte> out) {
        if (read(addr, out)) return out.size();
        constexpr uint64_t kPage = 4096;
        std::size_t done = 0;
        while (done < out.size()) {
            const uint64_t at = addr + done;
            const std::size_t n = std::min<uint64_t>(kPage - at % kPage, out.size() - done);
            if (!read(at, out.subspan(done, n))) break;
            done += n;
        }
        return done;
    }

    // Like read(), but never served from a cache: what the target holds now. Used to re-check
    // an object after reading what it points to (a cached copy would hide the change).
    virtual Result<void> read_fresh(uint64_t addr, std::span<std::byte> out) {
        return read(addr, out);
    }

    // Many fresh reads at once (a live process: one process_vm_readv per 1,024 of them). Fails
    // as a whole, with the error of the first request that cannot be read.
    struct ReadRequest {
        uint64_t addr = 0;
        std::span<std::byte> out;
    };
    virtual Result<void> read_fresh_batch(std::span<const ReadRequest> requests) {
        for (const ReadRequest& r : requests) {
            if (auto ok = read_fresh(r.addr, r.out); !ok) return ok;
        }
        return {};
    }
};

}  // namespace aps
