// Decoding of remote `str` objects (every PEP 393 kind, compact or legacy) into UTF-8, and of
// remote `bytes` objects. Lengths are validated before they size an allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "aps/error.hpp"
#include "aps/memory.hpp"
#include "aps/offsets.hpp"

namespace aps::model {

// A str whose length exceeds this is garbage, whatever the cut (Python cannot allocate it).
inline constexpr uint64_t kMaxPlausibleStrLength = uint64_t{1} << 40;

// Appends one code point as UTF-8. Surrogates (U+D800..U+DFFF) get their 3-byte generalized
// UTF-8 form; values above U+10FFFF become U+FFFD.
void append_utf8(std::string& out, uint32_t code_point);

// Decodes `count` code units of `kind` bytes each (1, 2 or 4, little-endian) into UTF-8.
std::string decode_code_units(std::span<const std::byte> data, unsigned kind);

// Reads the str at addr and returns at most max_code_points of it as UTF-8.
// CorruptData for an invalid state (kind not 1/2/4, ascii with kind ≠ 1) or absurd length.
Result<std::string> read_str(RemoteMemory& memory, const DebugOffsets& off, uint64_t addr,
                             uint64_t max_code_points);

// Reads the payload of the bytes object at addr. nullopt when its size exceeds max_bytes (the
// caller degrades); CorruptData for a negative size.
Result<std::optional<std::vector<std::byte>>> read_bytes(RemoteMemory& memory,
                                                         const DebugOffsets& off, uint64_t addr,
                                                         uint64_t max_bytes);

}  // namespace aps::model
