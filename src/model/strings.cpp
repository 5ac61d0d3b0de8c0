// Decoding of remote str and bytes objects (see strings.hpp and docs/design.md, "Strings").
#include "model/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "model/remote_object.hpp"

namespace aps::model {
namespace {

// Bits of PyASCIIObject.state (default build): interned 0-1, kind 2-4, compact 5, ascii 6.
constexpr unsigned kind_of(uint32_t state) {
    return (state >> 2) & 7u;
}
constexpr bool is_compact(uint32_t state) {
    return (state >> 5) & 1u;
}
constexpr bool is_ascii(uint32_t state) {
    return (state >> 6) & 1u;
}

// sizeof(PyCompactUnicodeObject); the 3.14 table lacks the field, the layout is the same.
constexpr uint64_t kCompactUnicodeObjectSize = 56;

}  // namespace

void append_utf8(std::string& out, uint32_t cp) {
    if (cp > 0x10FFFF) cp = 0xFFFD;
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string decode_code_units(std::span<const std::byte> data, unsigned kind) {
    std::string out;
    if (kind != 1 && kind != 2 && kind != 4) return out;
    std::size_t count = data.size() / kind;
    out.reserve(count);
    if (kind == 1) {  // Latin-1, usually ASCII: copy runs below 0x80 in one piece
        const char* bytes = reinterpret_cast<const char*>(data.data());
        for (std::size_t i = 0; i < count;) {
            std::size_t run = i;
            while (run < count && static_cast<unsigned char>(bytes[run]) < 0x80) ++run;
            out.append(bytes + i, run - i);
            if (run == count) break;
            append_utf8(out, static_cast<unsigned char>(bytes[run]));
            i = run + 1;
        }
        return out;
    }
    for (std::size_t i = 0; i < count; ++i) {
        uint32_t cp = 0;
        for (unsigned b = 0; b < kind; ++b) {
            cp |= static_cast<uint32_t>(data[i * kind + b]) << (8 * b);
        }
        append_utf8(out, cp);
    }
    return out;
}

Result<std::string> read_str(RemoteMemory& memory, const DebugOffsets& off, uint64_t addr,
                             uint64_t max_code_points) {
    const auto& u = off.unicode_object;
    auto header = RemoteObject::read(memory, addr, u.asciiobject_size, "str");
    if (!header) return std::move(header).error();
    auto length = header->get<int64_t>(u.length);
    auto state = header->get<uint32_t>(u.state);
    unsigned kind = kind_of(state);
    if (length < 0 || static_cast<uint64_t>(length) > kMaxPlausibleStrLength) {
        return Error{Errc::CorruptData,
                     fmt::format("invalid str length {} at {}", length, hex(addr))};
    }
    if ((kind != 1 && kind != 2 && kind != 4) || (is_ascii(state) && kind != 1)) {
        return Error{Errc::CorruptData,
                     fmt::format("invalid str state {:#x} at {}", state, hex(addr))};
    }
    uint64_t count = std::min<uint64_t>(static_cast<uint64_t>(length), max_code_points);
    if (count == 0) return std::string();

    uint64_t compact_size =
        u.compactunicodeobject_size ? u.compactunicodeobject_size : kCompactUnicodeObjectSize;
    uint64_t data_addr;
    if (is_compact(state)) {
        data_addr = addr + (is_ascii(state) ? u.asciiobject_size : compact_size);
    } else {  // legacy: PyUnicodeObject.data follows the PyCompactUnicodeObject part
        auto p = read_value<uint64_t>(memory, addr + compact_size, "str data pointer");
        if (!p) return std::move(p).error();
        data_addr = *p;
        if (data_addr == 0) {
            return Error{Errc::CorruptData, fmt::format("legacy str at {} has no data", hex(addr))};
        }
    }
    // Names and qualnames are short: no allocation for the raw bytes of those.
    std::array<std::byte, 256> small;
    const std::size_t n = count * kind;
    std::vector<std::byte> large(n > small.size() ? n : 0);
    const std::span<std::byte> data =
        n > small.size() ? std::span<std::byte>(large) : std::span<std::byte>(small).first(n);
    if (auto r = memory.read(data_addr, data); !r) {
        return reading_error(std::move(r).error(), "str data", data_addr);
    }
    return decode_code_units(data, kind);
}

Result<std::optional<std::vector<std::byte>>> read_bytes(RemoteMemory& memory,
                                                         const DebugOffsets& off, uint64_t addr,
                                                         uint64_t max_bytes) {
    const auto& b = off.bytes_object;
    auto size = read_value<int64_t>(memory, addr + b.ob_size, "bytes size");
    if (!size) return std::move(size).error();
    if (*size < 0) {
        return Error{Errc::CorruptData,
                     fmt::format("invalid bytes size {} at {}", *size, hex(addr))};
    }
    if (static_cast<uint64_t>(*size) > max_bytes) return std::optional<std::vector<std::byte>>{};
    std::vector<std::byte> data(static_cast<std::size_t>(*size));
    if (!data.empty()) {
        if (auto r = memory.read(addr + b.ob_sval, data); !r) {
            return reading_error(std::move(r).error(), "bytes data", addr + b.ob_sval);
        }
    }
    return std::optional<std::vector<std::byte>>(std::move(data));
}

}  // namespace aps::model
