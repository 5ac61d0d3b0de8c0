// The few Python formatting primitives the reference output is made of: hex(), str(int) and
// f"{s:<N}" (left-justify, counting code points).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aps::render {

// Python hex(): lowercase, 0x prefix, no padding (hex(0) == "0x0").
void append_py_hex(std::string& out, uint64_t value);
std::string py_hex(uint64_t value);

// Python str() of an integer.
void append_decimal(std::string& out, int64_t value);
void append_decimal(std::string& out, uint64_t value);

// Appends `text` (valid UTF-8), then spaces up to `width` code points; never truncates.
void append_ljust(std::string& out, std::string_view text, std::size_t width);

}  // namespace aps::render
