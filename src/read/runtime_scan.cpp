// Scanning a target's writable mappings for the _Py_DebugOffsets cookie; see runtime_scan.hpp.
#include "read/runtime_scan.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <vector>

#include "aps/offsets.hpp"

namespace aps::read {
namespace {

constexpr std::string_view kCookie = "xdebugpy";
constexpr uint64_t kAlign = 32;
constexpr uint64_t kChunk = 64u << 10;

bool fatal(const Error& e) {
    return e.code == Errc::PermissionDenied || e.code == Errc::NoSuchProcess;
}

// A candidate counts only when the whole table parses, or names a version aps rejects (so that
// the user hears which version it is).
Result<bool> is_debug_offsets(RemoteMemory& memory, uint64_t addr) {
    std::vector<std::byte> table(kDebugOffsetsReadSize);
    if (auto ok = memory.read(addr, table); !ok) {
        if (fatal(ok.error())) return ok.error();
        return false;
    }
    auto parsed = parse_debug_offsets(table);
    return parsed.ok() || parsed.error().code == Errc::UnsupportedVersion;
}

}  // namespace

Result<std::optional<uint64_t>> scan_for_debug_offsets(RemoteMemory& memory,
                                                       std::span<const MapEntry> regions,
                                                       uint64_t max_bytes) {
    std::vector<std::byte> chunk;
    uint64_t budget = max_bytes;
    for (const MapEntry& region : regions) {
        if (!region.readable() || !region.writable()) continue;
        uint64_t start = (region.start + kAlign - 1) / kAlign * kAlign;
        for (uint64_t at = start; at < region.end && budget > 0;) {
            uint64_t n = std::min({kChunk, region.end - at, budget});
            chunk.resize(n);
            if (auto ok = memory.read(at, chunk); !ok) {
                if (fatal(ok.error())) return ok.error();
                break;  // this region is not readable after all
            }
            budget -= n;
            for (uint64_t off = 0; off + kCookie.size() <= n; off += kAlign) {
                if (std::memcmp(chunk.data() + off, kCookie.data(), kCookie.size()) != 0) continue;
                auto hit = is_debug_offsets(memory, at + off);
                if (!hit) return std::move(hit).error();
                if (*hit) return std::optional<uint64_t>(at + off);
            }
            at += n;
        }
    }
    return std::optional<uint64_t>{};
}

}  // namespace aps::read
