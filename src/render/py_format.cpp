// Python formatting primitives: hex(), str(int), str.ljust.
#include "render/py_format.hpp"

#include <charconv>

#include "render/escape.hpp"

namespace aps::render {

void append_py_hex(std::string& out, uint64_t value) {
    char buf[2 + 16];
    buf[0] = '0';
    buf[1] = 'x';
    const auto res = std::to_chars(buf + 2, buf + sizeof buf, value, 16);
    out.append(buf, res.ptr);
}

std::string py_hex(uint64_t value) {
    std::string out;
    append_py_hex(out, value);
    return out;
}

void append_decimal(std::string& out, int64_t value) {
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, res.ptr);
}

void append_decimal(std::string& out, uint64_t value) {
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, res.ptr);
}

void append_ljust(std::string& out, std::string_view text, std::size_t width) {
    out.append(text);
    // A code point is at most 4 bytes: text this long is at least `width` code points already.
    if (text.size() >= 4 * width) return;
    const std::size_t count = code_points(text);
    if (count < width) out.append(width - count, ' ');
}

}  // namespace aps::render
